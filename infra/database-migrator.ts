import * as cdk from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureAlertMessage } from './migration-alerts';
import * as check from './migrator-validation';
import { acknowledge, nagResourceText } from './nag';
import { changelogCode, replayHandlerCode } from './runner-code';
import {
  acknowledgeJavaRuntime,
  acknowledgeNodeRuntime,
  alertAlarm,
  alertTopic,
  auditLogGroup,
  deadLetterQueue,
  defaultRunnerSubnets,
  describeWatchedStacks,
  migratorBus,
  putEvents,
  runnerLayer,
  triggeredRulesMetric,
  vpcRunnerRole,
} from './shared/migrator-plumbing';
import { runnerSettings, type RunnerSettingsProps } from './shared/runner-settings';
import { resolveWatchedStacks, type WatchedStack } from './watched-stacks';

export const DEFAULT_EVENT_BUS_NAME = 'db-migrator';
/** The `source` of the runner's completion events. */
export const EVENT_SOURCE = 'db-migrator';
export const REPLAY_SOURCE = 'db-migrator.replay';
export const REPLAY_DETAIL_TYPE = 'Migration Replay Requested';
export const FAILED_DETAIL_TYPE = 'Database Migration Failed';
/** The statuses that trigger a run. Whether it then migrates is the runner's gate's call, not the rule's. */
export const TRIGGER_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE'];

export const RUNNER_HANDLER = 'dev.dbmigrator.runner.LambdaHandler::handleRequest';

export interface DatabaseMigratorProps extends RunnerSettingsProps {
  /**
   * The Aurora cluster to migrate. The runner takes its credentials secret (unless `databaseSecret` is given) and
   * its endpoint, and the cluster's security groups admit the runner on the cluster's port.
   *
   * @default - none: pass `databaseSecret`
   */
  readonly cluster?: rds.IDatabaseCluster;
  /**
   * The secret with the database credentials, in the JSON shape RDS uses (`username`, `password`, `host`,
   * `port`), such as `DatabaseCluster.secret`. Takes precedence over the cluster's own secret (a dedicated
   * migration user, say).
   *
   * @default - the secret of `cluster`
   */
  readonly databaseSecret?: secretsmanager.ISecret;
  /** The database the changelog migrates. */
  readonly databaseName: string;
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
   * Where failures, runner errors and dead letters are announced. Its key policy (if encrypted) must let
   * `events.amazonaws.com` and `cloudwatch.amazonaws.com` use the key, or the alerts are lost silently.
   *
   * @default - a new topic encrypted with a new customer-managed key
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * SnapStart on published versions. The rules then invoke an alias (`live`) of the current version.
   *
   * @default false - measure before turning it on (see DESIGN.md)
   */
  readonly snapStart?: boolean;
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
   * An existing custom bus to use instead of creating one (`eventBusName` is then ignored). Its resource policy
   * is the owner's business: the cross-account deny is added only to a bus this construct creates.
   *
   * @default - a new bus named `eventBusName`
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The `source` of the runner's completion events; the failure rule matches it.
   *
   * @default 'db-migrator'
   */
  readonly eventSource?: string;
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
  /** The runner's jars (`java/lib/*.jar`), prebuilt in the package. */
  readonly runnerLayer: lambda.LayerVersion;
  /** Resolves a replay request for a watched stack and puts it on the bus. */
  readonly replayFunction: lambda.Function;
  /** With `snapStart`, the alias the rules invoke. */
  readonly runnerAlias?: lambda.Alias;
  readonly eventBus: events.IEventBus;
  readonly alertTopic: sns.ITopic;
  /** The key of the alert topic, when this construct created the topic. */
  readonly alertKey?: kms.IKey;
  /** Archives what the main rule matches (30 days), for `replay --from-archive`. */
  readonly archive: events.Archive;
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
  /** Fires when the runner itself errors (crash, timeout, unhandled exception). */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** Fires when the failure rule matched a `Database Migration Failed` event. */
  readonly failedMigrationsAlarm: cloudwatch.Alarm;
  /** The runner's network connections; allow them on the database. */
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: DatabaseMigratorProps) {
    super(scope, id);
    const stack = cdk.Stack.of(this);

    const settings = runnerSettings(this, props);
    check.checkDatabaseName(this, props.databaseName);
    const eventBusName = props.eventBusName ?? DEFAULT_EVENT_BUS_NAME;
    if (!props.eventBus) check.checkEventBusName(this, eventBusName);
    const eventSource = props.eventSource ?? EVENT_SOURCE;
    check.checkEventSource(this, eventSource);
    this.resultParameterName =
      props.resultParameterName ?? `/db-migrator/${stack.stackName}/${props.databaseName}/last-result`;
    check.checkParameterName(this, this.resultParameterName);
    check.checkEmails(this, props.alertEmails ?? []);
    check.checkReservedConcurrency(this, props.reservedConcurrency);
    const databaseSecret = props.databaseSecret ?? clusterSecret(props.cluster);
    if (!databaseSecret) {
      throw check.validationError(
        this,
        props.cluster
          ? 'the cluster has no credentials secret this construct can see; pass databaseSecret'
          : 'pass cluster or databaseSecret: the runner needs the database credentials',
      );
    }
    const watched = resolveWatchedStacks(this, props.watchedStacks ?? [stack]);
    const vpcSubnets = props.vpcSubnets ?? defaultRunnerSubnets(this, props.vpc);

    this.resultParameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      // A hierarchical name's leading slash is the ARN's separator: `parameter/db-migrator/...`.
      resourceName: this.resultParameterName.replace(/^\//, ''),
    });
    const watchedList = cdk.Fn.join(',', watched.map((w) => w.listEntry));
    const watchedArns = watched.map((w) => w.stackArn);

    this.deadLetterQueue = deadLetterQueue(this);
    this.eventBus = migratorBus(this, eventBusName, props.eventBus);
    const alerts = alertTopic(this, props);
    this.alertTopic = alerts.topic;
    this.alertKey = alerts.key;

    // Explicit roles: only the managed policy AWS requires for ENIs, no AWSLambdaBasicExecutionRole (logs on *).
    const runnerRole = vpcRunnerRole(
      this,
      'RunnerRole',
      'db-migrator runner: the database secret, the result parameter, the bus, the watched stacks',
    );

    const environment: Record<string, string> = {
      DB_SECRET_ARN: databaseSecret.secretArn,
      DATABASE_NAME: props.databaseName,
      RESULT_PARAMETER_NAME: this.resultParameterName,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      EVENT_SOURCE: eventSource,
      WATCHED_STACKS: watchedList,
      ...settings.environment,
      POWERTOOLS_SERVICE_NAME: 'db-migrator',
    };
    if (props.cluster) {
      environment.DB_HOST = props.cluster.clusterEndpoint.hostname;
      environment.DB_PORT = cdk.Tokenization.stringifyNumber(props.cluster.clusterEndpoint.port);
    }

    this.runnerLayer = runnerLayer(this);

    const onFailure = new destinations.SqsDestination(this.deadLetterQueue);
    this.function = new lambda.Function(this, 'Runner', {
      description: 'Runs the Liquibase changelog after a watched stack deploys',
      runtime: lambda.Runtime.JAVA_21,
      // The jars are portable, and Graviton costs less per GB-second.
      architecture: lambda.Architecture.ARM_64,
      handler: RUNNER_HANDLER,
      code: changelogCode(settings.changelogDir),
      layers: [this.runnerLayer, ...settings.extraLayers],
      role: runnerRole,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: props.securityGroups,
      environment,
      logGroup: auditLogGroup(this, 'RunnerLogs'),
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
      snapStart: props.snapStart ? lambda.SnapStartConf.ON_PUBLISHED_VERSIONS : undefined,
      // A crash or timeout leaves no result in SSM: after Lambda's own retries, keep the event for an operator.
      onFailure,
      retryAttempts: 2,
    });
    acknowledgeJavaRuntime(this.function);
    this.connections = this.function.connections;
    if (props.cluster) props.cluster.connections.allowDefaultPortFrom(this, 'db-migrator runner');

    if (props.snapStart) {
      // SnapStart applies to published versions only: the rules invoke an alias of the current one.
      this.runnerAlias = new lambda.Alias(this, 'RunnerAlias', {
        aliasName: 'live',
        version: this.function.currentVersion,
        onFailure,
        retryAttempts: 2,
      });
    }
    const runnerTarget: lambda.IFunction = this.runnerAlias ?? this.function;

    databaseSecret.grantRead(runnerRole);
    runnerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [this.resultParameterArn],
      }),
    );
    runnerRole.addToPrincipalPolicy(putEvents(this.eventBus, eventSource));
    runnerRole.addToPrincipalPolicy(describeWatchedStacks(watchedArns));

    // Outside the VPC: it calls only the CloudFormation and EventBridge APIs.
    const replayRole = new iam.Role(this, 'ReplayRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'db-migrator replay: describe the watched stacks, put the request on the bus, write its logs',
    });
    const replayLogs = auditLogGroup(this, 'ReplayLogs');
    replayLogs.grantWrite(replayRole);
    this.replayFunction = new lambda.Function(this, 'Replay', {
      description: 'Checks a replay request against the watched stacks and puts it on the migrator bus',
      code: replayHandlerCode(),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      role: replayRole,
      memorySize: 256,
      timeout: cdk.Duration.seconds(30),
      environment: {
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        WATCHED_STACKS: watchedList,
        POWERTOOLS_SERVICE_NAME: 'db-migrator-replay',
      },
      logGroup: replayLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    acknowledgeNodeRuntime(this.replayFunction);
    replayRole.addToPrincipalPolicy(putEvents(this.eventBus, REPLAY_SOURCE));
    replayRole.addToPrincipalPolicy(describeWatchedStacks(watchedArns));

    // A stack outside the app is known by name only: its stack id ends in a suffix CloudFormation picks.
    for (const w of watched.filter((entry) => entry.stackArn.endsWith('/*'))) {
      for (const role of [runnerRole, replayRole]) {
        acknowledge(
          role,
          `AwsSolutions-IAM5[Resource::${nagResourceText(this, w.stackArn)}]`,
          'cloudformation:DescribeStacks on a stack watched by name: the stack id ends in a UUID that CloudFormation assigns, so the ARN is the name prefix plus /*; it matches only that stack name',
        );
      }
    }

    const targetOptions = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      // The runner re-checks the stack's current status, so a late delivery is still safe to run.
      maxEventAge: cdk.Duration.hours(6),
    };

    const mainPattern: events.EventPattern = {
      source: ['aws.cloudformation'],
      detailType: ['CloudFormation Stack Status Change'],
      detail: {
        'stack-id': watched.map((w) => w.patternEntry),
        'status-details': { status: TRIGGER_STATUSES },
      },
    };
    this.mainRule = new events.Rule(this, 'StackDeployedRule', {
      description: 'A watched stack finished a create or update: run the migration',
      eventPattern: mainPattern,
      targets: [new targets.LambdaFunction(runnerTarget, targetOptions)],
    });

    this.archive = new events.Archive(this, 'StackEventsArchive', {
      description: 'Watched stacks finishing a create or update, for db-migrator replay --from-archive',
      sourceEventBus: events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      eventPattern: mainPattern,
      retention: cdk.Duration.days(30),
    });

    this.replayRule = new events.Rule(this, 'ReplayRule', {
      description: 'An operator asked to re-run the migration',
      eventBus: this.eventBus,
      eventPattern: { source: [REPLAY_SOURCE], detailType: [REPLAY_DETAIL_TYPE] },
      targets: [new targets.LambdaFunction(runnerTarget, targetOptions)],
    });

    this.failureRule = new events.Rule(this, 'MigrationFailedRule', {
      description: 'A migration failed: alert the operators',
      eventBus: this.eventBus,
      eventPattern: { source: [eventSource], detailType: [FAILED_DETAIL_TYPE] },
      targets: [new targets.SnsTopic(this.alertTopic, { message: failureAlertMessage(), ...targetOptions })],
    });

    this.deadLetterAlarm = alertAlarm(
      this,
      'DeadLetterAlarm',
      'A db-migrator run crashed or an event could not be delivered; see the dead-letter queue',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: cdk.Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      this.alertTopic,
    );
    this.errorsAlarm = alertAlarm(
      this,
      'RunnerErrorsAlarm',
      'The db-migrator runner itself failed (crash, timeout or unhandled error); see its logs',
      this.function.metricErrors({ period: cdk.Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      this.alertTopic,
    );
    this.failedMigrationsAlarm = alertAlarm(
      this,
      'FailedMigrationsAlarm',
      'A database migration failed (a Database Migration Failed event); see the result parameter',
      triggeredRulesMetric(this.eventBus, this.failureRule),
      this.alertTopic,
    );
  }

  /**
   * Lets `grantee` request a replay: events:PutEvents on this migrator's bus (and no other), limited by the
   * `events:source` and `events:detail-type` condition keys to replay requests (so the grantee cannot forge
   * completion events), and lambda:InvokeFunction on the replay function. A replay can only re-run the deployed
   * changelog.
   */
  grantReplay(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.eventBus.eventBusArn],
      conditions: {
        StringEquals: { 'events:source': [REPLAY_SOURCE], 'events:detail-type': [REPLAY_DETAIL_TYPE] },
      },
    }).combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['lambda:InvokeFunction'],
        resourceArns: [this.replayFunction.functionArn],
      }),
    );
  }

  /** Lets `grantee` read the last MigrationResult and the run history (the parameter's versions). */
  grantReadResults(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameterHistory'],
      resourceArns: [this.resultParameterArn],
    });
  }
}

/** The credentials secret of a cluster this construct can see (`DatabaseCluster`, `DatabaseClusterFromSnapshot`). */
function clusterSecret(cluster: rds.IDatabaseCluster | undefined): secretsmanager.ISecret | undefined {
  if (!cluster || !('secret' in cluster)) return undefined;
  return (cluster as { secret?: secretsmanager.ISecret }).secret;
}
