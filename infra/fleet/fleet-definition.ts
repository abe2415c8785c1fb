/**
 * The fleet's state machine, in Amazon States Language (JSONPath), written out rather than built from the CDK's
 * state classes: every field is the one AWS documents, the tests read the same names, and no policy is added
 * behind the construct's back (the role's statements are all in fleet-permissions.ts).
 *
 *   Gate (once) ─► ShouldMigrate ─┬─ no ─► GateSkipped | GateFailed ──────────────────────────┐
 *                                 └─ yes ─► CanaryWave (first K, tolerance 0) ─► CheckCanary ─┤ failed: CanaryFailed
 *                                           RestWave (the others, tolerance) ─► CheckRest ────┤ failed: TargetsFailed
 *                                           Completed: Succeeded | Planned ───────────────────┤
 *                                                                                             ▼
 *                      Summarize (FleetSummary from the ResultWriter's files) ─► RecordSummary (SSM) ─► PublishSummary
 *
 * The verdict (status, reason) is decided here, by the states above; the summary step only counts and lists.
 */

export interface FleetDefinitionSettings {
  readonly fleetName: string;
  readonly gateFunctionArn: string;
  readonly targetFunctionArn: string;
  readonly summaryFunctionArn: string;
  readonly manifestBucket: string;
  readonly manifestKey: string;
  readonly resultsBucket: string;
  /** Where the ResultWriter writes: `<resultsPrefix>/canary|rest/<map run id>/`. */
  readonly resultsPrefix: string;
  readonly resultParameterName: string;
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly maxConcurrency: number;
  readonly canarySize: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  readonly timeoutSeconds: number;
}

export const FLEET_DETAIL_TYPES = {
  SUCCEEDED: 'Database Fleet Migration Succeeded',
  FAILED: 'Database Fleet Migration Failed',
  SKIPPED: 'Database Fleet Migration Skipped',
  PLANNED: 'Database Fleet Migration Planned',
} as const;

/** The errors a Lambda invocation raises when Lambda itself is throttled or briefly unavailable: retried with backoff. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

/** Item failures the item processor raises, so that the Map's tolerance counts them. */
export const TARGET_ERRORS = {
  FAILED: 'TargetFailed',
  SKIPPED: 'TargetSkipped',
  ERRORED: 'TargetErrored',
  INVALID: 'TargetResultInvalid',
} as const;

const lambdaRetry = [
  {
    ErrorEquals: LAMBDA_TRANSIENT_ERRORS,
    // A new account's concurrency quota is 10: spread the retries over minutes, not seconds.
    IntervalSeconds: 2,
    MaxAttempts: 8,
    BackoffRate: 2,
    MaxDelaySeconds: 120,
    JitterStrategy: 'FULL',
  },
];

function verdict(status: keyof typeof FLEET_DETAIL_TYPES, reason: string | null, next: string, reasonPath?: string): object {
  return {
    Type: 'Pass',
    Parameters: {
      status,
      ...(reasonPath ? { 'reason.$': reasonPath } : { reason }),
      detailType: FLEET_DETAIL_TYPES[status],
    },
    ResultPath: '$.verdict',
    Next: next,
  };
}

/** The item processor: one target's run, with FAILED and SKIPPED results turned into item failures. */
function itemProcessor(targetFunctionArn: string): object {
  return {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'SelectTarget',
    States: {
      SelectTarget: {
        Type: 'Choice',
        Choices: [
          // The rest wave reads the whole manifest: the canary's targets have run already.
          { Variable: '$.index', NumericLessThanPath: '$.ranBefore', Next: 'RanInCanary' },
          { Variable: '$.targetIds', IsNull: true, Next: 'Migrate' },
        ],
        Default: 'CheckSelected',
      },
      CheckSelected: {
        Type: 'Pass',
        Parameters: { 'selected.$': 'States.ArrayContains($.targetIds, $.targetId)' },
        ResultPath: '$.selection',
        Next: 'IsSelected',
      },
      IsSelected: {
        Type: 'Choice',
        Choices: [{ Variable: '$.selection.selected', BooleanEquals: true, Next: 'Migrate' }],
        Default: 'NotSelected',
      },
      NotSelected: { Type: 'Pass', Parameters: { 'targetId.$': '$.targetId', outcome: 'NOT_SELECTED' }, End: true },
      RanInCanary: { Type: 'Pass', Parameters: { 'targetId.$': '$.targetId', outcome: 'RAN_IN_CANARY' }, End: true },
      Migrate: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: targetFunctionArn,
          // Ids only: the runner resolves the target against the manifest itself.
          Payload: { 'targetId.$': '$.targetId', 'dryRun.$': '$.dryRun', 'runId.$': '$.runId', 'trigger.$': '$.trigger' },
        },
        ResultSelector: { 'value.$': '$.Payload' },
        ResultPath: '$.result',
        Retry: lambdaRetry,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'TargetErrored' }],
        Next: 'TargetOutcome',
      },
      TargetOutcome: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.result.value.status', StringEquals: 'SUCCEEDED', Next: 'Migrated' },
          { Variable: '$.result.value.status', StringEquals: 'PLANNED', Next: 'Migrated' },
          { Variable: '$.result.value.status', StringEquals: 'FAILED', Next: 'TargetFailed' },
          { Variable: '$.result.value.status', StringEquals: 'SKIPPED', Next: 'TargetSkipped' },
        ],
        Default: 'TargetResultInvalid',
      },
      // The item's output is its MigrationResult: the ResultWriter stores it in S3.
      Migrated: { Type: 'Pass', InputPath: '$.result.value', End: true },
      TargetFailed: { Type: 'Fail', Error: TARGET_ERRORS.FAILED, CausePath: 'States.JsonToString($.result.value)' },
      // A SKIPPED target (a lock timeout, say) was not migrated: it counts against the tolerance.
      TargetSkipped: { Type: 'Fail', Error: TARGET_ERRORS.SKIPPED, CausePath: 'States.JsonToString($.result.value)' },
      TargetErrored: { Type: 'Fail', Error: TARGET_ERRORS.ERRORED, CausePath: 'States.JsonToString($.error)' },
      TargetResultInvalid: { Type: 'Fail', Error: TARGET_ERRORS.INVALID, Cause: 'the target runner returned no MigrationResult status' },
    },
  };
}

function wave(
  s: FleetDefinitionSettings,
  which: 'canary' | 'rest',
  options: { maxItems?: number; ranBefore: number; maxConcurrency: number; tolerance: object; next: string; onFailure: string },
): object {
  return {
    Type: 'Map',
    Label: which === 'canary' ? 'Canary' : 'Rest',
    ItemReader: {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON', ...(options.maxItems !== undefined ? { MaxItems: options.maxItems } : {}) },
      Parameters: { Bucket: s.manifestBucket, Key: s.manifestKey },
    },
    ItemSelector: {
      'targetId.$': '$$.Map.Item.Value.id',
      'index.$': '$$.Map.Item.Index',
      ranBefore: options.ranBefore,
      'dryRun.$': '$.gate.dryRun',
      'runId.$': '$.gate.runId',
      'trigger.$': '$.gate.trigger',
      'targetIds.$': '$.gate.targetIds',
    },
    ItemProcessor: itemProcessor(s.targetFunctionArn),
    MaxConcurrency: options.maxConcurrency,
    ...options.tolerance,
    ResultWriter: {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: {
        Bucket: s.resultsBucket,
        // Step Functions writes below `<Prefix>/<map run id>/`: the summary finds the run by ListMapRuns.
        Prefix: `${s.resultsPrefix}/${which}`,
      },
    },
    ResultPath: `$.${which}`,
    Catch: [
      { ErrorEquals: ['States.ItemReaderFailed'], ResultPath: `$.${which}Error`, Next: 'ManifestInvalid' },
      { ErrorEquals: ['States.ALL'], ResultPath: `$.${which}Error`, Next: options.onFailure },
    ],
    Next: options.next,
  };
}

/** The map run's item counts, read back: the verdict also checks the count tolerance itself. */
function describeMapRun(which: 'canary' | 'rest', next: string): object {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:sfn:describeMapRun',
    Parameters: { 'MapRunArn.$': `$.${which}.MapRunArn` },
    ResultSelector: {
      'notMigrated.$': 'States.MathAdd(States.MathAdd($.ItemCounts.Failed, $.ItemCounts.TimedOut), $.ItemCounts.Aborted)',
      'total.$': '$.ItemCounts.Total',
    },
    ResultPath: `$.${which}Run`,
    Retry: [{ ErrorEquals: ['Sfn.SfnException', 'States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2 }],
    Next: next,
  };
}

export function fleetDefinition(s: FleetDefinitionSettings): Record<string, unknown> {
  const restTolerance: Record<string, number> = {};
  if (s.toleratedFailureCount !== undefined) restTolerance.ToleratedFailureCount = s.toleratedFailureCount;
  if (s.toleratedFailurePercentage !== undefined) restTolerance.ToleratedFailurePercentage = s.toleratedFailurePercentage;
  const firstWave = s.canarySize > 0 ? 'CanaryWave' : 'RestWave';

  const states: Record<string, unknown> = {
    Gate: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      // The trigger (a stack status change or a replay request) as the rule delivered it.
      Parameters: { FunctionName: s.gateFunctionArn, 'Payload.$': '$' },
      ResultSelector: { 'gate.$': '$.Payload' },
      ResultPath: '$',
      Retry: lambdaRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.gateError', Next: 'GateUnavailable' }],
      Next: 'ShouldMigrate',
    },
    GateUnavailable: verdict('FAILED', 'GATE_UNAVAILABLE', 'Summarize'),
    ShouldMigrate: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.gate.migrate', BooleanEquals: true, Next: firstWave },
        {
          Or: [
            { Variable: '$.gate.reason', StringEquals: 'GATE_UNAVAILABLE' },
            { Variable: '$.gate.reason', StringEquals: 'INVALID_EVENT' },
          ],
          Next: 'GateFailed',
        },
      ],
      Default: 'GateSkipped',
    },
    GateFailed: verdict('FAILED', null, 'Summarize', '$.gate.reason'),
    GateSkipped: verdict('SKIPPED', null, 'Summarize', '$.gate.reason'),
    RestWave: wave(s, 'rest', {
      ranBefore: s.canarySize,
      maxConcurrency: s.maxConcurrency,
      tolerance: restTolerance,
      // Step Functions fails the Map above the tolerance; the count is also checked from the map run's own item
      // counts, so the verdict never rests on a Map that ended without failing.
      next: s.toleratedFailureCount === undefined ? 'Completed' : 'CheckRest',
      onFailure: 'TargetsFailed',
    }),
    TargetsFailed: verdict('FAILED', 'TARGETS_FAILED', 'Summarize'),
    ManifestInvalid: verdict('FAILED', 'MANIFEST_INVALID', 'Summarize'),
    Completed: {
      Type: 'Choice',
      Choices: [{ Variable: '$.gate.dryRun', BooleanEquals: true, Next: 'Planned' }],
      Default: 'Succeeded',
    },
    Planned: verdict('PLANNED', 'DRY_RUN', 'Summarize'),
    Succeeded: verdict('SUCCEEDED', null, 'Summarize'),
    Summarize: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: s.summaryFunctionArn,
        Payload: {
          fleet: s.fleetName,
          'executionArn.$': '$$.Execution.Id',
          'startedAt.$': '$$.Execution.StartTime',
          canarySize: s.canarySize,
          tolerance: { count: s.toleratedFailureCount ?? null, percentage: s.toleratedFailurePercentage ?? null },
          'state.$': '$',
        },
      },
      ResultSelector: { 'value.$': '$.Payload' },
      ResultPath: '$.summary',
      Retry: lambdaRetry,
      Next: 'RecordSummary',
    },
    RecordSummary: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ssm:putParameter',
      Parameters: {
        Name: s.resultParameterName,
        'Value.$': 'States.JsonToString($.summary.value)',
        Type: 'String',
        Overwrite: true,
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ['Ssm.TooManyUpdatesException', 'Ssm.SsmException'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
      Next: 'PublishSummary',
    },
    PublishSummary: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            EventBusName: s.eventBusName,
            Source: s.eventSource,
            'DetailType.$': '$.verdict.detailType',
            'Detail.$': '$.summary.value',
          },
        ],
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
      OutputPath: '$.summary.value',
      End: true,
    },
  };
  if (s.toleratedFailureCount !== undefined) {
    states.CheckRest = describeMapRun('rest', 'RestWithinTolerance');
    states.RestWithinTolerance = {
      Type: 'Choice',
      Choices: [{ Variable: '$.restRun.notMigrated', NumericGreaterThan: s.toleratedFailureCount, Next: 'TargetsFailed' }],
      Default: 'Completed',
    };
  }
  if (s.canarySize > 0) {
    states.CanaryWave = wave(s, 'canary', {
      maxItems: s.canarySize,
      ranBefore: 0,
      maxConcurrency: Math.min(s.canarySize, s.maxConcurrency),
      tolerance: { ToleratedFailureCount: 0 },
      next: 'CheckCanary',
      onFailure: 'CanaryFailed',
    });
    states.CheckCanary = describeMapRun('canary', 'CanaryPassed');
    states.CanaryPassed = {
      Type: 'Choice',
      Choices: [{ Variable: '$.canaryRun.notMigrated', NumericGreaterThan: 0, Next: 'CanaryFailed' }],
      Default: 'RestWave',
    };
    states.CanaryFailed = verdict('FAILED', 'CANARY_FAILED', 'Summarize');
  }
  return {
    Comment: `db-migrator fleet ${s.fleetName}: the gate once, a canary wave, then the rest of the manifest`,
    StartAt: 'Gate',
    TimeoutSeconds: s.timeoutSeconds,
    States: states,
  };
}
