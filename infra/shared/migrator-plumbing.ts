import * as cdk from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MigrationAlerts } from '../migration-alerts';
import { validationError } from '../migrator-validation';
import { acknowledge } from '../nag';
import { runnerLayerCode } from '../runner-code';

/**
 * The parts every migrator construct owns alike: its bus, alert topic, dead-letter queue, runner layer, roles
 * and log groups. Each helper creates its resources directly in `scope` under the id it is given, so a construct
 * that adopts them keeps the logical ids (and the deployed resources) it had.
 */

/** The migrator's custom bus, or `existing`. A bus this construct creates refuses PutEvents from other accounts. */
export function migratorBus(scope: Construct, eventBusName: string, existing?: events.IEventBus): events.IEventBus {
  if (existing) return existing;
  const stack = cdk.Stack.of(scope);
  const bus = new events.EventBus(scope, 'EventBus', { eventBusName });
  // Only principals of this account may put events (replay requests, completion events) on the bus.
  bus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyPutEventsFromOtherAccounts',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringNotEquals: { 'aws:PrincipalAccount': stack.account } },
    }),
  );
  return bus;
}

export interface AlertTopicSettings {
  readonly alarmTopic?: sns.ITopic;
  readonly alertEmails?: string[];
}

/** The given topic (with the e-mails subscribed), or a new one encrypted with a new customer-managed key. */
export function alertTopic(scope: Construct, settings: AlertTopicSettings): { topic: sns.ITopic; key?: kms.IKey } {
  if (settings.alarmTopic) {
    for (const email of settings.alertEmails ?? []) {
      settings.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    return { topic: settings.alarmTopic };
  }
  const alerts = new MigrationAlerts(scope, 'Alerts', { emails: settings.alertEmails });
  return { topic: alerts.topic, key: alerts.key };
}

export function deadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: cdk.Duration.days(14),
  });
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    'This queue IS the dead-letter queue (runner on-failure destination and rule targets DLQ); a DLQ of a DLQ would only hide messages further',
  );
  return queue;
}

/** The runner's jars (`java/lib/*.jar`), prebuilt in the package. */
export function runnerLayer(scope: Construct): lambda.LayerVersion {
  return new lambda.LayerVersion(scope, 'RunnerLayer', {
    description: 'db-migrator runner: Liquibase, the PostgreSQL driver and the runner (java/lib/*.jar)',
    code: runnerLayerCode(),
    compatibleRuntimes: [lambda.Runtime.JAVA_21],
    compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
  });
}

/** A role for a Java runner in the VPC: only the managed policy AWS requires for ENIs (and logs), nothing on `*`. */
export function vpcRunnerRole(scope: Construct, id: string, description: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
  });
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    'A Lambda function in a VPC needs ec2:CreateNetworkInterface/DescribeNetworkInterfaces/DeleteNetworkInterface, which do not support resource-level permissions; the AWS-managed policy is the documented way to grant them (it also carries the log permissions)',
  );
  return role;
}

export function acknowledgeJavaRuntime(fn: lambda.IFunction): void {
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'java21 is pinned on purpose: the runner is built as Java 17 bytecode for the java21 runtime (DESIGN.md); moving to a newer Java runtime is a deliberate, tested change, not drift',
  );
}

export function acknowledgeNodeRuntime(fn: lambda.IFunction): void {
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'nodejs22.x is pinned on purpose: the handler is bundled for and tested on node22 (DESIGN.md); moving runtimes is a tested change, not a drift',
  );
}

/** Kept after the stack is deleted: the logs are the audit trail of schema changes. */
export function auditLogGroup(scope: Construct, id: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention: logs.RetentionDays.ONE_MONTH });
}

export function defaultRunnerSubnets(scope: Construct, vpc: ec2.IVpc): ec2.SubnetSelection {
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  throw validationError(scope, 'the VPC has no private subnets for the runner; pass vpcSubnets');
}

/** PutEvents on the one bus, and only with the one `source` the caller publishes under (no forged events). */
export function putEvents(bus: events.IEventBus, source: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    conditions: { StringEquals: { 'events:source': source } },
  });
}

export function describeWatchedStacks(stackArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: stackArns });
}

/** An alarm that fires on the first breaching 5-minute period, with missing data as OK, to the alert topic. */
export function alertAlarm(scope: Construct, id: string, description: string, metric: cloudwatch.IMetric, topic: sns.ITopic): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
  return alarm;
}

/** The TriggeredRules count of a rule on a custom bus (its metrics carry EventBusName and RuleName; its Ref is "bus|rule"). */
export function triggeredRulesMetric(bus: events.IEventBus, rule: events.Rule): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName: 'TriggeredRules',
    dimensionsMap: {
      EventBusName: bus.eventBusName,
      RuleName: cdk.Fn.select(1, cdk.Fn.split('|', rule.ruleName)),
    },
    period: cdk.Duration.minutes(5),
    statistic: cloudwatch.Stats.SUM,
  });
}

/** Stack outputs under exactly these ids (the CLI reads them by OutputKey), wherever the construct sits. */
export function stackOutputs(scope: Construct, outputs: Record<string, string>): void {
  for (const [id, value] of Object.entries(outputs)) {
    new cdk.CfnOutput(scope, id, { value }).overrideLogicalId(id);
  }
}
