import * as cdk from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureAlertMessage, MigrationAlerts } from './migration-alerts';
import * as check from './migrator-validation';
import { acknowledge, nagResourceText } from './nag';
import { changelogCode, replayHandlerCode, RUNNER_CHANGELOG_DIR, runnerLayerCode } from './runner-code';
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
/** Lambda's limit of layers per function; the runner's own layer takes one. */
const MAX_LAYERS = 5;

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
   * Your changelog: a folder holding `db.changelog-master.yaml` and the files it includes (a relative path is
   * taken from where `cdk` runs). The folder is the runner function's whole code, at /var/task: a changelog
   * edit deploys kilobytes, while the runner's jars stay in their layer.
   */
  readonly changelogDir: string;
  /**
   * The master changelog's path inside `changelogDir`, in any format Liquibase reads (XML, YAML, JSON, formatted
   * SQL). Liquibase records every changeset under its path relative to `changelogDir`, so choose the two to
   * reproduce the paths a database was migrated with before: for Spring Boot's layout, `changelogDir:
   * 'src/main/resources'` and `changelogFile: 'db/changelog/db.changelog-master.yaml'`. A history recorded
   * under other paths is refused (HISTORY_MISMATCH), never re-applied.
   *
   * @default 'db.changelog-master.yaml'
   */
  readonly changelogFile?: string;
  /**
   * Values for the changelog's `${name}` parameters (names may contain dots). Only these and the changelog's own
   * `property` entries resolve `${…}`: environment variables and system properties never do. They reach the
   * runner as one JSON environment variable (`CHANGELOG_PARAMETERS`), visible in the template and the
   * function's configuration: never put a secret here. A changeset that still holds an unresolved `${…}` fails
   * the run before anything is applied.
   *
   * @default - none
   */
  readonly changelogParameters?: Record<string, string>;
  /**
   * More layers for the runner, beside its own: jars under `java/lib/` in a layer (Liquibase extensions, custom
   * change classes, another JDBC driver) join the runner's classpath, since the java21 runtime puts
   * `/opt/java/lib/*.jar` on it. At most four (Lambda allows five layers, and the runner's is one).
   *
   * @default - none
   */
  readonly extraLayers?: lambda.ILayerVersion[];
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
   * Liquibase contexts, comma-separated (env `CHANGELOG_CONTEXTS`), set before the changelog is parsed, so
   * context-bound properties and includes resolve as the stock CLI's `--contexts` resolves them.
   *
   * @default - none
   */
  readonly contexts?: string;
  /** A Liquibase label expression (env `CHANGELOG_LABELS`). @default - none */
  readonly labels?: string;
  /**
   * Whether a run with nothing to do may answer from the fingerprint the last verified run recorded in the
   * database (table `db_migrator_fingerprint`), without starting Liquibase. Any doubt takes the full Liquibase
   * path anyway; `false` (env `FAST_PATH=false`) always takes it, and records no fingerprint.
   *
   * @default true
   */
  readonly fastPath?: boolean;
  /**
   * How long a run waits for the database's advisory lock before it gives up with SKIPPED/LOCK_TIMEOUT
   * (env `LOCK_WAIT_BUDGET_SECONDS`).
   *
   * @default - the runner's own default
   */
  readonly lockWaitBudget?: cdk.Duration;
  /**
   * The `lock_timeout` of every transactional changeset (env `LOCK_TIMEOUT_SECONDS`). A changeset that waits
   * longer for a lock is rolled back whole and the update is retried with backoff within `lockRetryBudget`, so a
   * blocked `ALTER TABLE` never queues the application's queries behind it for longer than this. Changesets with
   * `runInTransaction: false` (such as `CREATE INDEX CONCURRENTLY`) run without it and are never retried.
   * `Duration.seconds(0)` turns it off: a changeset then waits for its locks as long as it takes.
   *
   * @default Duration.seconds(5)
   */
  readonly lockTimeout?: cdk.Duration;
  /**
   * The `statement_timeout` of every transactional changeset (env `STATEMENT_TIMEOUT_SECONDS`). A changeset that
   * runs longer fails and is rolled back; it is not retried.
   *
   * @default - none: data migrations may be long
   */
  readonly statementTimeout?: cdk.Duration;
  /**
   * How long a run keeps retrying after a changeset timed out on a lock, counted from the first lock timeout
   * (env `LOCK_RETRY_BUDGET_SECONDS`); always inside `timeout`. When it runs out the run ends FAILED with
   * `LOCK_CONTENDED`, naming the session that held the lock. `Duration.seconds(0)` never retries.
   *
   * @default Duration.minutes(2)
   */
  readonly lockRetryBudget?: cdk.Duration;
  /**
   * How long a run keeps retrying its connection while Aurora resumes from 0 ACU (env `CONNECT_BUDGET_SECONDS`).
   * Must be shorter than `timeout`.
   *
   * @default - the runner's own default
   */
  readonly connectBudget?: cdk.Duration;
  /**
   * SnapStart on published versions. The rules then invoke an alias (`live`) of the current version.
   *
   * @default false - measure before turning it on (see DESIGN.md)
   */
  readonly snapStart?: boolean;
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

    const changelogFile = check.checkChangelogFile(this, props.changelogFile);
    const changelogDir = check.checkChangelogDir(this, props.changelogDir, changelogFile);
    check.checkChangelogParameters(this, props.changelogParameters);
    const extraLayers = props.extraLayers ?? [];
    if (extraLayers.length > MAX_LAYERS - 1) {
      throw check.validationError(this, `extraLayers holds ${extraLayers.length} layers; Lambda allows ${MAX_LAYERS} per function, and the runner's own is one`);
    }
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
    const timeout = props.timeout ?? cdk.Duration.minutes(15);
    check.checkBudgets(this, timeout, props.connectBudget, props.lockWaitBudget);
    check.checkLockTimeouts(this, timeout, props);
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
    const vpcSubnets = props.vpcSubnets ?? this.defaultSubnets(props.vpc);

    this.resultParameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      // A hierarchical name's leading slash is the ARN's separator: `parameter/db-migrator/...`.
      resourceName: this.resultParameterName.replace(/^\//, ''),
    });
    const watchedList = cdk.Fn.join(',', watched.map((w) => w.listEntry));
    const watchedArns = watched.map((w) => w.stackArn);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: cdk.Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue IS the dead-letter queue (runner on-failure destination and rule targets DLQ); a DLQ of a DLQ would only hide messages further',
    );

    if (props.eventBus) {
      this.eventBus = props.eventBus;
    } else {
      const bus = new events.EventBus(this, 'EventBus', { eventBusName });
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
      this.eventBus = bus;
    }

    if (props.alarmTopic) {
      this.alertTopic = props.alarmTopic;
      for (const email of props.alertEmails ?? []) {
        this.alertTopic.addSubscription(new subscriptions.EmailSubscription(email));
      }
    } else {
      const alerts = new MigrationAlerts(this, 'Alerts', { emails: props.alertEmails });
      this.alertTopic = alerts.topic;
      this.alertKey = alerts.key;
    }

    // Explicit roles: only the managed policy AWS requires for ENIs, no AWSLambdaBasicExecutionRole (logs on *).
    const runnerRole = new iam.Role(this, 'RunnerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'db-migrator runner: the database secret, the result parameter, the bus, the watched stacks',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    acknowledge(
      runnerRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'A Lambda function in a VPC needs ec2:CreateNetworkInterface/DescribeNetworkInterfaces/DeleteNetworkInterface, which do not support resource-level permissions; the AWS-managed policy is the documented way to grant them (it also carries the log permissions)',
    );

    const environment: Record<string, string> = {
      DB_SECRET_ARN: databaseSecret.secretArn,
      DATABASE_NAME: props.databaseName,
      RESULT_PARAMETER_NAME: this.resultParameterName,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      EVENT_SOURCE: eventSource,
      WATCHED_STACKS: watchedList,
      CHANGELOG_DIR: RUNNER_CHANGELOG_DIR,
      POWERTOOLS_SERVICE_NAME: 'db-migrator',
    };
    if (props.cluster) {
      environment.DB_HOST = props.cluster.clusterEndpoint.hostname;
      environment.DB_PORT = cdk.Tokenization.stringifyNumber(props.cluster.clusterEndpoint.port);
    }
    if (changelogFile !== check.CHANGELOG_MASTER_FILE) environment.CHANGELOG_FILE = changelogFile;
    if (props.contexts !== undefined) environment.CHANGELOG_CONTEXTS = props.contexts;
    if (props.labels !== undefined) environment.CHANGELOG_LABELS = props.labels;
    if (props.fastPath === false) environment.FAST_PATH = 'false';
    if (props.changelogParameters && Object.keys(props.changelogParameters).length > 0) {
      environment.CHANGELOG_PARAMETERS = JSON.stringify(props.changelogParameters);
    }
    if (props.lockWaitBudget) environment.LOCK_WAIT_BUDGET_SECONDS = String(props.lockWaitBudget.toSeconds());
    if (props.connectBudget) environment.CONNECT_BUDGET_SECONDS = String(props.connectBudget.toSeconds());
    Object.assign(environment, check.lockTimeoutEnvironment(props));

    this.runnerLayer = new lambda.LayerVersion(this, 'RunnerLayer', {
      description: 'db-migrator runner: Liquibase, the PostgreSQL driver and the runner (java/lib/*.jar)',
      code: runnerLayerCode(),
      compatibleRuntimes: [lambda.Runtime.JAVA_21],
      compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
    });

    const onFailure = new destinations.SqsDestination(this.deadLetterQueue);
    this.function = new lambda.Function(this, 'Runner', {
      description: 'Runs the Liquibase changelog after a watched stack deploys',
      runtime: lambda.Runtime.JAVA_21,
      // The jars are portable, and Graviton costs less per GB-second.
      architecture: lambda.Architecture.ARM_64,
      handler: RUNNER_HANDLER,
      code: changelogCode(changelogDir),
      layers: [this.runnerLayer, ...extraLayers],
      role: runnerRole,
      memorySize: props.memorySize ?? 1024,
      timeout,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: props.securityGroups,
      environment,
      logGroup: this.logGroup('RunnerLogs'),
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
      snapStart: props.snapStart ? lambda.SnapStartConf.ON_PUBLISHED_VERSIONS : undefined,
      // A crash or timeout leaves no result in SSM: after Lambda's own retries, keep the event for an operator.
      onFailure,
      retryAttempts: 2,
    });
    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'java21 is pinned on purpose: the runner is built as Java 17 bytecode for the java21 runtime (DESIGN.md); moving to a newer Java runtime is a deliberate, tested change, not drift',
    );
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
    const replayLogs = this.logGroup('ReplayLogs');
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
    acknowledge(
      this.replayFunction,
      'AwsSolutions-L1',
      'nodejs22.x is pinned on purpose: the handler is bundled for and tested on node22 (DESIGN.md); moving runtimes is a tested change, not a drift',
    );
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

    const alarmAction = new cloudwatchActions.SnsAction(this.alertTopic);
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
    this.deadLetterAlarm.addAlarmAction(alarmAction);

    this.errorsAlarm = new cloudwatch.Alarm(this, 'RunnerErrorsAlarm', {
      alarmDescription: 'The db-migrator runner itself failed (crash, timeout or unhandled error); see its logs',
      metric: this.function.metricErrors({ period: cdk.Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(alarmAction);

    // A rule on a custom bus reports its metrics under both EventBusName and RuleName; its Ref is "bus|rule".
    this.failedMigrationsAlarm = new cloudwatch.Alarm(this, 'FailedMigrationsAlarm', {
      alarmDescription: 'A database migration failed (a Database Migration Failed event); see the result parameter',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: {
          EventBusName: this.eventBus.eventBusName,
          RuleName: cdk.Fn.select(1, cdk.Fn.split('|', this.failureRule.ruleName)),
        },
        period: cdk.Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedMigrationsAlarm.addAlarmAction(alarmAction);
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

/** PutEvents on the one bus, and only with the one `source` the caller publishes under (no forged events). */
function putEvents(bus: events.IEventBus, source: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    conditions: { StringEquals: { 'events:source': source } },
  });
}

/** The credentials secret of a cluster this construct can see (`DatabaseCluster`, `DatabaseClusterFromSnapshot`). */
function clusterSecret(cluster: rds.IDatabaseCluster | undefined): secretsmanager.ISecret | undefined {
  if (!cluster || !('secret' in cluster)) return undefined;
  return (cluster as { secret?: secretsmanager.ISecret }).secret;
}

function describeWatchedStacks(stackArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: stackArns });
}
