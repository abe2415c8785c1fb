import * as cdk from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { EVENT_SOURCE, REPLAY_SOURCE, TRIGGER_STATUSES } from '../database-migrator';
import * as check from '../migrator-validation';
import { acknowledge, nagResourceText } from '../nag';
import { changelogCode, fleetSummaryHandlerCode } from '../runner-code';
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
  stackOutputs,
  triggeredRulesMetric,
  vpcRunnerRole,
} from '../shared/migrator-plumbing';
import { runnerSettings } from '../shared/runner-settings';
import { resolveWatchedStacks } from '../watched-stacks';
import { FLEET_DETAIL_TYPES, fleetDefinition } from './fleet-definition';
import * as allow from './fleet-permissions';
import { type DatabaseFleetMigratorProps, fleetSettings } from './fleet-props';
import { executionEndedAlertMessage, fleetFailureAlertMessage } from './fleet-alerts';

export const FLEET_GATE_HANDLER = 'dev.dbmigrator.runner.fleet.FleetGateHandler::handleRequest';
export const FLEET_TARGET_HANDLER = 'dev.dbmigrator.runner.fleet.FleetTargetHandler::handleRequest';
export const FLEET_REPLAY_DETAIL_TYPE = 'Fleet Migration Replay Requested';
/** The execution ends an operator must hear about: the fleet's own verdict is alerted from its completion event. */
export const ALERTED_EXECUTION_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];
/** Step Functions' limit on a state machine's name. */
const MAX_STATE_MACHINE_NAME = 80;

/**
 * Migrates a fleet of databases (or schemas) with the same changelog, on Step Functions Distributed Map: a
 * watched stack's deploy, or a fleet replay request, starts one execution. The stack gate runs once; a canary
 * wave of the manifest's first targets must all migrate before the rest start; the rest run at most
 * `maxConcurrency` at a time, within a failure tolerance. Each target returns its MigrationResult, which the
 * Distributed Map writes to S3; the fleet's outcome, a FleetSummary, goes to one SSM parameter and one event.
 *
 * A sibling of `DatabaseMigrator` rather than a mode of it: it has no single database, secret or result
 * parameter, and a different trigger target (a state machine, not the runner), while the runner's layer,
 * changelog code, settings, bus, alert topic and dead-letter queue are built by the same code.
 */
export class DatabaseFleetMigrator extends Construct implements ec2.IConnectable {
  readonly fleetName: string;
  readonly stateMachine: sfn.StateMachine;
  /** Fixed at synth (`<stack name>-fleet-<fleet name>`), so the roles can name its executions without a cycle. */
  readonly stateMachineName: string;
  /** The state machine's first step: the stack gate (FleetGateHandler), outside the VPC. */
  readonly gateFunction: lambda.Function;
  /** One target's run (FleetTargetHandler), in the VPC. */
  readonly targetFunction: lambda.Function;
  /** Counts and lists what the waves did, from the ResultWriter's files. */
  readonly summaryFunction: lambda.Function;
  readonly runnerLayer: lambda.LayerVersion;
  readonly manifestBucket: s3.IBucket;
  readonly manifestKey: string;
  /** Where the Distributed Map's ResultWriter puts every target's MigrationResult. */
  readonly resultsBucket: s3.Bucket;
  readonly resultsPrefix: string;
  readonly resultParameterName: string;
  readonly resultParameterArn: string;
  readonly eventBus: events.IEventBus;
  readonly alertTopic: sns.ITopic;
  readonly alertKey?: kms.IKey;
  /** The dead-letter queue of every rule target (a trigger that could not start an execution). */
  readonly deadLetterQueue: sqs.Queue;
  /** On the default bus: watched stacks' successful deploys start a fleet run. */
  readonly mainRule: events.Rule;
  /** On the migrator's bus: fleet replay requests start a fleet run. */
  readonly replayRule: events.Rule;
  /** On the migrator's bus: a fleet run FAILED, to the alert topic. */
  readonly failureRule: events.Rule;
  /** On the default bus: an execution ended FAILED, TIMED_OUT or ABORTED, to the alert topic. */
  readonly executionEndedRule: events.Rule;
  readonly failedFleetAlarm: cloudwatch.Alarm;
  readonly executionsFailedAlarm: cloudwatch.Alarm;
  readonly executionsTimedOutAlarm: cloudwatch.Alarm;
  readonly executionsAbortedAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The target runner's network connections; allow them on the fleet's databases. */
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: DatabaseFleetMigratorProps) {
    super(scope, id);
    const stack = cdk.Stack.of(this);

    const settings = runnerSettings(this, props);
    const fleet = fleetSettings(this, props);
    this.fleetName = fleet.fleetName;
    const eventBusName = props.eventBusName ?? 'db-migrator';
    if (!props.eventBus) check.checkEventBusName(this, eventBusName);
    check.checkEmails(this, props.alertEmails ?? []);
    const watched = resolveWatchedStacks(this, props.watchedStacks ?? [stack]);
    const watchedList = cdk.Fn.join(',', watched.map((w) => w.listEntry));
    const vpcSubnets = props.vpcSubnets ?? defaultRunnerSubnets(this, props.vpc);
    const stateMachineName = `${stack.stackName}-fleet-${fleet.fleetName}`;
    this.stateMachineName = stateMachineName;
    if (!cdk.Token.isUnresolved(stack.stackName) && stateMachineName.length > MAX_STATE_MACHINE_NAME) {
      throw check.validationError(this, `the state machine's name ${stateMachineName} is longer than ${MAX_STATE_MACHINE_NAME}; choose a shorter fleetName`);
    }

    this.resultParameterName = `/db-migrator/${stack.stackName}/fleet/${fleet.fleetName}/last-result`;
    check.checkParameterName(this, this.resultParameterName);
    this.resultParameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: this.resultParameterName.replace(/^\//, ''),
    });

    this.deadLetterQueue = deadLetterQueue(this);
    this.eventBus = migratorBus(this, eventBusName, props.eventBus);
    const alerts = alertTopic(this, props);
    this.alertTopic = alerts.topic;
    this.alertKey = alerts.key;

    this.manifestKey = fleet.manifestKey;
    this.manifestBucket = props.manifestBucket ?? this.privateBucket('ManifestBucket', 'The fleet manifest is small and rewritten rarely; CloudTrail data events are the place to audit who wrote it, not a second access-log bucket');
    this.resultsBucket = this.privateBucket('ResultsBucket', 'The results bucket is written by the fleet state machine alone; its objects are run records, and CloudTrail data events audit access if needed');
    this.resultsBucket.addLifecycleRule({ id: 'ExpireOldFleetResults', expiration: cdk.Duration.days(90) });
    this.resultsPrefix = `fleet-results/${fleet.fleetName}`;

    this.runnerLayer = runnerLayer(this);
    const code = changelogCode(settings.changelogDir);
    const layers = [this.runnerLayer, ...settings.extraLayers];

    // The gate: DescribeStacks on the watched stacks, once per fleet run. Outside the VPC: it calls CloudFormation only.
    const gateRole = new iam.Role(this, 'GateRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'db-migrator fleet gate: describe the watched stacks, write its logs',
    });
    const gateLogs = auditLogGroup(this, 'GateLogs');
    gateLogs.grantWrite(gateRole);
    gateRole.addToPrincipalPolicy(describeWatchedStacks(watched.map((w) => w.stackArn)));
    this.gateFunction = new lambda.Function(this, 'Gate', {
      description: 'Decides once per fleet run whether the trigger migrates (the stack gate)',
      runtime: lambda.Runtime.JAVA_21,
      architecture: lambda.Architecture.ARM_64,
      handler: FLEET_GATE_HANDLER,
      code,
      layers,
      role: gateRole,
      memorySize: 1024,
      timeout: cdk.Duration.minutes(1),
      environment: { WATCHED_STACKS: watchedList, FLEET_NAME: fleet.fleetName, POWERTOOLS_SERVICE_NAME: 'db-migrator-fleet-gate' },
      logGroup: gateLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    acknowledgeJavaRuntime(this.gateFunction);

    // One target: the manifest names its database and secret; the role decides which secrets it can open.
    const targetRole = vpcRunnerRole(this, 'TargetRole', 'db-migrator fleet target runner: the fleet manifest and the fleet\'s secrets');
    for (const statement of allow.readFleetSecrets(stack, props.secretScope)) targetRole.addToPrincipalPolicy(statement);
    targetRole.addToPrincipalPolicy(allow.readManifest(this.manifestBucket, this.manifestKey));
    this.targetFunction = new lambda.Function(this, 'TargetRunner', {
      description: 'Runs the Liquibase changelog against one target of the fleet manifest and returns its result',
      runtime: lambda.Runtime.JAVA_21,
      architecture: lambda.Architecture.ARM_64,
      handler: FLEET_TARGET_HANDLER,
      code,
      layers,
      role: targetRole,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: props.securityGroups,
      environment: {
        ...settings.environment,
        EVENT_SOURCE,
        WATCHED_STACKS: watchedList,
        FLEET_NAME: fleet.fleetName,
        FLEET_MANIFEST_BUCKET: this.manifestBucket.bucketName,
        FLEET_MANIFEST_KEY: this.manifestKey,
        POWERTOOLS_SERVICE_NAME: 'db-migrator-fleet-target',
      },
      logGroup: auditLogGroup(this, 'TargetRunnerLogs'),
      loggingFormat: lambda.LoggingFormat.JSON,
      // Invoked synchronously by the state machine, which retries throttling itself: no async retries here.
      retryAttempts: 0,
    });
    acknowledgeJavaRuntime(this.targetFunction);
    this.connections = this.targetFunction.connections;
    if (this.manifestBucket instanceof s3.Bucket) {
      acknowledge(
        targetRole,
        `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.manifestBucket.node.defaultChild as s3.CfnBucket)}.Arn>/${this.manifestKey}]`,
        'Not a wildcard: s3:GetObject on the one manifest object; cdk-nag reads the object ARN as a pattern',
      );
    }
    acknowledge(
      targetRole,
      `AwsSolutions-IAM5[Resource::${nagResourceText(this, allow.readFleetSecrets(stack, props.secretScope)[0].resources[0])}]`,
      'The fleet\'s secrets are not known at synth (a provisioning process adds tenants without a redeploy): GetSecretValue is scoped by the secret tag condition and/or name prefix of secretScope instead (ABAC)',
    );

    const summaryRole = new iam.Role(this, 'SummaryRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'db-migrator fleet summary: read the manifest and the fleet results, list the map runs',
    });
    const summaryLogs = auditLogGroup(this, 'SummaryLogs');
    summaryLogs.grantWrite(summaryRole);
    summaryRole.addToPrincipalPolicy(allow.readManifest(this.manifestBucket, this.manifestKey));
    summaryRole.addToPrincipalPolicy(allow.readResults(this.resultsBucket, this.resultsPrefix));
    const arns = allow.stateMachineArns(stack, stateMachineName);
    summaryRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:ListMapRuns'], resources: arns.executions }));
    this.summaryFunction = new lambda.Function(this, 'Summary', {
      description: 'Counts and lists the targets of one fleet run from the Distributed Map results',
      code: fleetSummaryHandlerCode(),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      role: summaryRole,
      memorySize: 512,
      timeout: cdk.Duration.minutes(5),
      environment: {
        FLEET_MANIFEST_BUCKET: this.manifestBucket.bucketName,
        FLEET_MANIFEST_KEY: this.manifestKey,
        FLEET_RESULTS_BUCKET: this.resultsBucket.bucketName,
        FLEET_RESULTS_PREFIX: this.resultsPrefix,
      },
      logGroup: summaryLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    acknowledgeNodeRuntime(this.summaryFunction);

    const machineRole = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'db-migrator fleet state machine: its functions, the manifest, the results, its parameter and bus',
    });
    machineRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.gateFunction.functionArn, this.targetFunction.functionArn, this.summaryFunction.functionArn],
      }),
    );
    machineRole.addToPrincipalPolicy(allow.readManifest(this.manifestBucket, this.manifestKey));
    machineRole.addToPrincipalPolicy(allow.writeResults(this.resultsBucket, this.resultsPrefix));
    for (const statement of allow.runChildExecutions(arns)) machineRole.addToPrincipalPolicy(statement);
    machineRole.addToPrincipalPolicy(allow.putParameter(this.resultParameterArn));
    machineRole.addToPrincipalPolicy(putEvents(this.eventBus, EVENT_SOURCE));

    const definition = fleetDefinition({
      fleetName: fleet.fleetName,
      gateFunctionArn: this.gateFunction.functionArn,
      targetFunctionArn: this.targetFunction.functionArn,
      summaryFunctionArn: this.summaryFunction.functionArn,
      manifestBucket: this.manifestBucket.bucketName,
      manifestKey: this.manifestKey,
      resultsBucket: this.resultsBucket.bucketName,
      resultsPrefix: this.resultsPrefix,
      resultParameterName: this.resultParameterName,
      eventBusName: this.eventBus.eventBusName,
      eventSource: EVENT_SOURCE,
      maxConcurrency: fleet.maxConcurrency,
      canarySize: fleet.canarySize,
      toleratedFailureCount: fleet.toleratedFailureCount,
      toleratedFailurePercentage: fleet.toleratedFailurePercentage,
      timeoutSeconds: fleet.fleetTimeout.toSeconds(),
    });
    const machineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      // The vended-logs prefix keeps the log group's resource policy small (AWS's advice for Step Functions).
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: logs.RetentionDays.ONE_MONTH,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(definition)),
      role: machineRole,
      logs: { destination: machineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.acknowledgeWildcards(machineRole, [
      ...arns.executions,
      arns.mapRuns,
      this.resultsBucket.arnForObjects(`${this.resultsPrefix}/*`),
    ]);
    this.acknowledgeWildcards(summaryRole, [...arns.executions, this.resultsBucket.arnForObjects(`${this.resultsPrefix}/*`)]);
    acknowledge(
      machineRole,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs log delivery (logs:CreateLogDelivery and the rest) and X-Ray tracing (xray:PutTraceSegments) support no resource-level permissions; AWS documents Resource * for both',
    );

    const targetOptions = { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2, maxEventAge: cdk.Duration.hours(6) };
    this.mainRule = new events.Rule(this, 'StackDeployedRule', {
      description: 'A watched stack finished a create or update: run the fleet migration',
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: { 'stack-id': watched.map((w) => w.patternEntry), 'status-details': { status: TRIGGER_STATUSES } },
      },
      targets: [new targets.SfnStateMachine(this.stateMachine, targetOptions)],
    });
    this.replayRule = new events.Rule(this, 'ReplayRule', {
      description: 'An operator asked to re-run the fleet migration',
      eventBus: this.eventBus,
      eventPattern: { source: [REPLAY_SOURCE], detailType: [FLEET_REPLAY_DETAIL_TYPE] },
      targets: [new targets.SfnStateMachine(this.stateMachine, targetOptions)],
    });
    this.failureRule = new events.Rule(this, 'FleetFailedRule', {
      description: 'A fleet migration failed: alert the operators',
      eventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [FLEET_DETAIL_TYPES.FAILED] },
      targets: [new targets.SnsTopic(this.alertTopic, { message: fleetFailureAlertMessage(), ...targetOptions })],
    });
    this.executionEndedRule = new events.Rule(this, 'ExecutionEndedRule', {
      description: 'A fleet execution ended FAILED, TIMED_OUT or ABORTED (no verdict was recorded): alert the operators',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [this.stateMachine.stateMachineArn], status: ALERTED_EXECUTION_STATUSES },
      },
      targets: [new targets.SnsTopic(this.alertTopic, { message: executionEndedAlertMessage(), ...targetOptions })],
    });

    const period = cdk.Duration.minutes(5);
    this.failedFleetAlarm = alertAlarm(this, 'FailedFleetAlarm', 'A fleet migration failed (a Database Fleet Migration Failed event); see the fleet result parameter', triggeredRulesMetric(this.eventBus, this.failureRule), this.alertTopic);
    this.executionsFailedAlarm = alertAlarm(this, 'ExecutionsFailedAlarm', 'A fleet execution FAILED before it recorded a verdict; see its execution history', this.stateMachine.metricFailed({ period, statistic: cloudwatch.Stats.SUM }), this.alertTopic);
    this.executionsTimedOutAlarm = alertAlarm(this, 'ExecutionsTimedOutAlarm', 'A fleet execution TIMED OUT; targets may not have run', this.stateMachine.metricTimedOut({ period, statistic: cloudwatch.Stats.SUM }), this.alertTopic);
    this.executionsAbortedAlarm = alertAlarm(this, 'ExecutionsAbortedAlarm', 'A fleet execution was ABORTED (db-migrator fleet stop, or by hand); targets may not have run', this.stateMachine.metricAborted({ period, statistic: cloudwatch.Stats.SUM }), this.alertTopic);
    this.deadLetterAlarm = alertAlarm(
      this,
      'DeadLetterAlarm',
      'A fleet trigger could not start an execution; see the dead-letter queue',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      this.alertTopic,
    );

    if (props.stackOutputs !== false) {
      stackOutputs(this, {
        FleetStateMachineArn: this.stateMachine.stateMachineArn,
        FleetResultParameterName: this.resultParameterName,
        FleetManifestBucketName: this.manifestBucket.bucketName,
        FleetManifestKey: this.manifestKey,
        FleetResultsBucketName: this.resultsBucket.bucketName,
        EventBusName: this.eventBus.eventBusName,
      });
    }
  }

  /**
   * Lets `grantee` request a fleet replay: events:PutEvents on this bus only, limited to the replay source and
   * detail-type (no forged completion events). A replay carries target ids only and re-runs the deployed changelog.
   */
  grantReplay(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.eventBus.eventBusArn],
      conditions: { StringEquals: { 'events:source': [REPLAY_SOURCE], 'events:detail-type': [FLEET_REPLAY_DETAIL_TYPE] } },
    });
  }

  /** Lets `grantee` add or change targets: write the manifest object. This is the fleet's trust boundary. */
  grantWriteManifest(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:GetObject'],
      resourceArns: [this.manifestBucket.arnForObjects(this.manifestKey)],
    });
  }

  /** Lets `grantee` read the last FleetSummary and the per-target results, and stop a run (`db-migrator fleet stop`). */
  grantOperate(grantee: iam.IGrantable): iam.Grant {
    const stack = cdk.Stack.of(this);
    const arns = allow.stateMachineArns(stack, this.stateMachineName);
    const results = this.resultsBucket.arnForObjects(`${this.resultsPrefix}/*`);
    if (Construct.isConstruct(grantee)) this.acknowledgeWildcards(grantee, [...arns.executions, results]);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameterHistory'],
      resourceArns: [this.resultParameterArn],
    })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [results] }))
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['states:ListExecutions'], resourceArns: [this.stateMachine.stateMachineArn] }))
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['states:DescribeExecution', 'states:StopExecution'], resourceArns: arns.executions }));
  }

  /** Wildcards on ids AWS assigns at run time (executions, map runs, result objects), each acknowledged by its exact text. */
  private acknowledgeWildcards(holder: IConstruct, resources: string[]): void {
    for (const resource of resources) {
      acknowledge(
        holder,
        `AwsSolutions-IAM5[Resource::${nagResourceText(this, resource)}]`,
        'Not known at synth: the ids of this one state machine\'s executions and map runs, and the result objects the Distributed Map writes below the fleet\'s results prefix, are assigned by Step Functions at run time',
      );
    }
  }

  private privateBucket(id: string, accessLogReason: string): s3.Bucket {
    const bucket = new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The manifest and the run records outlive the stack, like the logs.
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    acknowledge(bucket, 'AwsSolutions-S1', accessLogReason);
    return bucket;
  }
}
