import * as cdk from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface MigrationAlertsProps {
  /** @default - no subscriptions; subscribe chat or paging tools to `topic` yourself */
  readonly emails?: string[];
}

/**
 * The alert topic, encrypted with a customer-managed key. With the AWS-managed `alias/aws/sns` key, EventBridge
 * and CloudWatch alarms cannot publish (they may not use that key), and the alerts would be lost silently.
 */
export class MigrationAlerts extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: MigrationAlertsProps = {}) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      description: 'db-migrator alert topic',
      enableKeyRotation: true,
      // The key protects only messages in flight; nothing at rest needs it after the stack is gone.
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      pendingWindow: cdk.Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlertPublishers',
        principals: [
          new iam.ServicePrincipal('events.amazonaws.com'),
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'db-migrator alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: say explicitly that this account's alarms may publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': cdk.Stack.of(this).account } },
      }),
    );
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}

/** The text of a failure alert, from the completion event's MigrationResult detail. */
export function failureAlertMessage(): events.RuleTargetInput {
  const field = (jsonPath: string) => events.EventField.fromPath(jsonPath);
  // One line, so it reads the same in an e-mail, a chat message and an SMS.
  return events.RuleTargetInput.fromText(
    `Database migration FAILED (${field('$.detail.reason')}) for stack ` +
      `${field('$.detail.trigger.stackName')}: ${field('$.detail.message')} | ` +
      `failed changeset: ${field('$.detail.failedChangeset')} | run id: ${field('$.detail.runId')}`,
  );
}
