import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureAlertMessage, MigrationAlerts } from './migration-alerts';
import * as check from './migrator-validation';
import { runnerCode } from './runner-code';
import { resolveWatchedStacks, type WatchedStack } from './watched-stacks';

/** The folder of the changelog that ships with this project. */
export const DEFAULT_CHANGELOG_DIR = path.resolve(__dirname, '..', 'changelog');
export const DEFAULT_EVENT_BUS_NAME = 'db-migrator';
/** The `source` of the runner's completion events. */
export const EVENT_SOURCE = 'db-migrator';
export const REPLAY_SOURCE = 'db-migrator.replay';
export const REPLAY_DETAIL_TYPE = 'Migration Replay Requested';
export const FAILED_DETAIL_TYPE = 'Database Migration Failed';
/** The statuses that trigger a run. Whether it then migrates is the runner's gate's call, not the rule's. */
export const TRIGGER_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE'];

const RUNNER_HANDLER = 'dev.dbmigrator.runner.LambdaHandler::handleRequest';
const RUNNER_CHANGELOG_DIR = '/var/task/changelog';
const REPLAY_ENTRY = path.resolve(__dirname, '..', 'handlers', 'replay.ts');

export interface DatabaseMigratorProps {
  /** The VPC of the database. */
  readonly vpc: ec2.IVpc;
  /**
   * Where the runner's network interfaces go. They need a route to the database and to the Secrets Manager,
   * SSM, EventBridge and CloudFormation APIs (a NAT gateway or interface endpoints).
   *
   * @default - the VPC's private subnets with egress if it has any (the APIs are reachable through NAT),
   * otherwise its isolated subnets (which then need the interface endpoints)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The runner's security groups. The database must accept PostgreSQL from them.
   *
   * @default - a new group that allows all outbound traffic; allow it on the database through `connections`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The secret with the database credentials, in the JSON shape RDS uses (`username`, `password`, `host`,
   * `port`), such as `DatabaseCluster.secret`.
   */
  readonly databaseSecret: secretsmanager.ISecret;
  /** The database the changelog migrates. */
  readonly databaseName: string;
  /**
   * A folder holding `db.changelog-master.yaml` and the files it includes. It ships inside the runner's
   * package; a changed changelog means a new deploy of the runner.
   *
   * @default - the `changelog/` folder of this project
   */
  readonly changelogDir?: string;
  /**
   * The stacks whose CREATE_COMPLETE or UPDATE_COMPLETE runs the migration: a `cdk.Stack` of the same app is
   * watched by its exact stack id, a string names a stack outside the app. Keep the migrator's own stack in the
   * list: the rule does not exist yet when the stacks it depends on are first created, so the migrator's own
   * CREATE_COMPLETE is what runs the first migration.
   *
   * @default - the stack this construct is in
   */
  readonly watchedStacks?: WatchedStack[];
  /** @default - no e-mail subscriptions */
  readonly alertEmails?: string[];
  /**
   * Nothing waits on the runner (EventBridge invokes it asynchronously), so the budget is generous: a large
   * migration must not be cut off halfway, and the runner also waits out Aurora's resume from 0 ACU.
   *
   * @default Duration.minutes(15), Lambda's maximum
   */
  readonly timeout?: cdk.Duration;
  /**
   * Lambda's CPU share grows with memory, and JVM start-up and Liquibase's changelog parsing are CPU-bound.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency for the runner. Runs are already serialised by a database advisory lock, so this only
   * caps the number of waiting runners.
   *
   * @default - none: a new account's concurrency quota of 10 rejects any reservation
   */
  readonly reservedConcurrency?: number;
  /**
   * The custom bus for replay requests and completion events.
   *
   * @default 'db-migrator'
   */
  readonly eventBusName?: string;
  /**
   * The SSM parameter the runner writes each MigrationResult to. The runner creates it; the stack only grants
   * access to it.
   *
   * @default `/db-migrator/<this stack's name>/<databaseName>/last-result`
   */
  readonly resultParameterName?: string;
}

/**
 * Runs Liquibase against a database after CloudFormation deploys a watched stack, outside the deploy: a failed
 * migration never rolls back or blocks the deploy. Every run leaves a MigrationResult in SSM and a completion
 * event on the migrator's bus; failures alert an SNS topic, and a crashed runner leaves a message in a DLQ.
 */
export class DatabaseMigrator extends Construct implements ec2.IConnectable {
  /** The Java runner. */
  readonly function: lambda.Function;
  /** Resolves a replay request for a watched stack and puts it on the bus. */
  readonly replayFunction: nodejs.NodejsFunction;
  readonly eventBus: events.EventBus;
  readonly alertTopic: sns.ITopic;
  /** The runner's on-failure destination, and the dead-letter queue of every rule target. */
  readonly deadLetterQueue: sqs.Queue;
  readonly resultParameterName: string;
  readonly resultParameterArn: string;
  /** On the default bus: watched stacks' successful deploys. */
  readonly mainRule: events.Rule;
  /** On the migrator's bus: replay requests. */
  readonly replayRule: events.Rule;
  /** On the migrator's bus: failed runs, to the alert topic. */
  readonly failureRule: events.Rule;
  /** Fires when the dead-letter queue holds a message, i.e. a run that left no result. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The runner's network connections; allow them on the database. */
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: DatabaseMigratorProps) {
    super(scope, id);
    const stack = cdk.Stack.of(this);

    const changelogDir = check.checkChangelogDir(this, props.changelogDir ?? DEFAULT_CHANGELOG_DIR);
    check.checkDatabaseName(this, props.databaseName);
    const eventBusName = props.eventBusName ?? DEFAULT_EVENT_BUS_NAME;
    check.checkEventBusName(this, eventBusName);
    this.resultParameterName =
      props.resultParameterName ?? `/db-migrator/${stack.stackName}/${props.databaseName}/last-result`;
    check.checkParameterName(this, this.resultParameterName);
    check.checkEmails(this, props.alertEmails ?? []);
    check.checkReservedConcurrency(this, props.reservedConcurrency);
    const watched = resolveWatchedStacks(this, props.watchedStacks ?? [stack]);
    const vpcSubnets = props.vpcSubnets ?? this.defaultSubnets(props.vpc);

    this.resultParameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      // A hierarchical name's leading slash is the ARN's separator: `parameter/db-migrator/...`.
      resourceName: this.resultParameterName.replace(/^\//, ''),
    });
    const watchedList = cdk.Fn.join(',', watched.map((w) => w.listEntry));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: cdk.Duration.days(14),
    });

    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName });

    const alerts = new MigrationAlerts(this, 'Alerts', { emails: props.alertEmails });
    this.alertTopic = alerts.topic;

    this.function = new lambda.Function(this, 'Runner', {
      description: 'Runs the Liquibase changelog after a watched stack deploys',
      runtime: lambda.Runtime.JAVA_21,
      // The jars are portable, and Graviton costs less per GB-second.
      architecture: lambda.Architecture.ARM_64,
      handler: RUNNER_HANDLER,
      code: runnerCode(changelogDir),
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? cdk.Duration.minutes(15),
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: props.securityGroups,
      environment: {
        DB_SECRET_ARN: props.databaseSecret.secretArn,
        DATABASE_NAME: props.databaseName,
        RESULT_PARAMETER_NAME: this.resultParameterName,
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        EVENT_SOURCE,
        WATCHED_STACKS: watchedList,
        CHANGELOG_DIR: RUNNER_CHANGELOG_DIR,
        POWERTOOLS_SERVICE_NAME: 'db-migrator',
      },
      logGroup: this.logGroup('RunnerLogs'),
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
      // A crash or timeout leaves no result in SSM: after Lambda's own retries, keep the event for an operator.
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
    });
    this.connections = this.function.connections;

    props.databaseSecret.grantRead(this.function);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [this.resultParameterArn],
      }),
    );
    this.eventBus.grantPutEventsTo(this.function);
    this.function.addToRolePolicy(describeWatchedStacks(watched.map((w) => w.stackArn)));

    // Outside the VPC: it calls only the CloudFormation and EventBridge APIs.
    this.replayFunction = new nodejs.NodejsFunction(this, 'Replay', {
      description: 'Checks a replay request against the watched stacks and puts it on the migrator bus',
      entry: REPLAY_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: cdk.Duration.seconds(30),
      environment: {
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        WATCHED_STACKS: watchedList,
        POWERTOOLS_SERVICE_NAME: 'db-migrator-replay',
        NODE_OPTIONS: '--enable-source-maps',
      },
      logGroup: this.logGroup('ReplayLogs'),
      loggingFormat: lambda.LoggingFormat.JSON,
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        target: 'node22',
        // Ship the SDK version the tests ran against, not whichever one the runtime has.
        bundleAwsSDK: true,
      },
    });
    this.eventBus.grantPutEventsTo(this.replayFunction);
    this.replayFunction.addToRolePolicy(describeWatchedStacks(watched.map((w) => w.stackArn)));

    const targetOptions = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      // The runner re-checks the stack's current status, so a late delivery is still safe to run.
      maxEventAge: cdk.Duration.hours(6),
    };

    this.mainRule = new events.Rule(this, 'StackDeployedRule', {
      description: 'A watched stack finished a create or update: run the migration',
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: {
          'stack-id': watched.map((w) => w.patternEntry),
          'status-details': { status: TRIGGER_STATUSES },
        },
      },
      targets: [new targets.LambdaFunction(this.function, targetOptions)],
    });

    this.replayRule = new events.Rule(this, 'ReplayRule', {
      description: 'An operator asked to re-run the migration',
      eventBus: this.eventBus,
      eventPattern: { source: [REPLAY_SOURCE], detailType: [REPLAY_DETAIL_TYPE] },
      targets: [new targets.LambdaFunction(this.function, targetOptions)],
    });

    this.failureRule = new events.Rule(this, 'MigrationFailedRule', {
      description: 'A migration failed: alert the operators',
      eventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [FAILED_DETAIL_TYPE] },
      targets: [new targets.SnsTopic(this.alertTopic, { message: failureAlertMessage(), ...targetOptions })],
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'A db-migrator run crashed or an event could not be delivered; see the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: cdk.Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alertTopic));
  }

  private defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
    if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    throw check.validationError(this, 'the VPC has no private subnets for the runner; pass vpcSubnets');
  }

  private logGroup(id: string): logs.LogGroup {
    // Kept after the stack is deleted: the logs are the audit trail of schema changes.
    return new logs.LogGroup(this, id, { retention: logs.RetentionDays.ONE_MONTH });
  }
}

function describeWatchedStacks(stackArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: stackArns });
}
