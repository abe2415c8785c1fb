import * as cdk from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { DatabaseMigrator } from './database-migrator';
import type { DatabaseStack } from './database-stack';

export interface MigratorStackProps extends cdk.StackProps {
  readonly vpc: ec2.IVpc;
  /** The runner's group, which the database group admits on 5432. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Watched by its exact stack id; its secret holds the credentials. */
  readonly database: DatabaseStack;
  readonly databaseName: string;
  /** The folder of the changelog the runner applies. */
  readonly changelogDir: string;
  /** Names of stacks outside this app that also trigger a migration. */
  readonly extraWatchedStacks?: string[];
  readonly alertEmails?: string[];
}

/** The migrator, watching itself (its CREATE_COMPLETE runs the first migration) and the database stack. */
export class MigratorStack extends cdk.Stack {
  readonly migrator: DatabaseMigrator;

  constructor(scope: Construct, id: string, props: MigratorStackProps) {
    super(scope, id, props);

    this.migrator = new DatabaseMigrator(this, 'Migrator', {
      vpc: props.vpc,
      securityGroups: [props.securityGroup],
      databaseSecret: props.database.secret,
      databaseName: props.databaseName,
      changelogDir: props.changelogDir,
      watchedStacks: [this, props.database, ...(props.extraWatchedStacks ?? [])],
      alertEmails: props.alertEmails,
    });

    // Read by the CLI: keep these ids stable.
    const outputs: Record<string, string> = {
      ResultParameterName: this.migrator.resultParameterName,
      RunnerFunctionName: this.migrator.function.functionName,
      ReplayFunctionName: this.migrator.replayFunction.functionName,
      EventBusName: this.migrator.eventBus.eventBusName,
      AlertTopicArn: this.migrator.alertTopic.topicArn,
      DeadLetterQueueUrl: this.migrator.deadLetterQueue.queueUrl,
      // `replay --from-archive` replays the archive onto the default bus, filtered to the main rule.
      ArchiveName: this.migrator.archive.archiveName,
      MainRuleArn: this.migrator.mainRule.ruleArn,
    };
    for (const [id, value] of Object.entries(outputs)) {
      new cdk.CfnOutput(this, id, { value });
    }
  }
}
