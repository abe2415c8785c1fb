import { allStates, reachable, synthFleet } from './support';

describe('the fleet state machine, as synthesized', () => {
  const s = synthFleet({ canarySize: 3, maxConcurrency: 25, toleratedFailureCount: 2, toleratedFailurePercentage: 5 });
  const { definition, fleet, id } = s;
  const states = allStates(definition);
  const bucket = (b: any) => `\${${id(b)}}`;

  test('the gate runs once, first, on the execution input, and nothing else calls it', () => {
    expect(definition.StartAt).toBe('Gate');
    expect(definition.States.Gate).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: `\${${id(fleet.gateFunction)}.Arn}`, 'Payload.$': '$' },
      Next: 'ShouldMigrate',
    });
    const callers = Object.values(states).filter((st: any) => JSON.stringify(st.Parameters ?? {}).includes(id(fleet.gateFunction)));
    expect(callers).toHaveLength(1);
    // Inside the Map's item processor there is no gate: 10,000 DescribeStacks calls would be throttled.
    expect(JSON.stringify(definition.States.RestWave.ItemProcessor)).not.toContain(id(fleet.gateFunction));
  });

  test('a gate that says no never reaches a wave: SKIPPED, or FAILED for an unavailable gate or a bad event', () => {
    const choice = definition.States.ShouldMigrate;
    expect(choice.Choices[0]).toEqual({ Variable: '$.gate.migrate', BooleanEquals: true, Next: 'CanaryWave' });
    expect(choice.Default).toBe('GateSkipped');
    expect(definition.States.GateSkipped.Parameters).toMatchObject({ status: 'SKIPPED', 'reason.$': '$.gate.reason' });
    expect(definition.States.GateFailed.Parameters).toMatchObject({ status: 'FAILED', 'reason.$': '$.gate.reason' });
    expect(definition.States.Gate.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'GateUnavailable' });
    for (const start of ['GateSkipped', 'GateFailed', 'GateUnavailable']) {
      expect([...reachable(definition.States, start)].filter((n) => n.endsWith('Wave'))).toEqual([]);
    }
  });

  test('both waves are Distributed Maps reading the manifest natively from S3 and writing results through the ResultWriter', () => {
    for (const name of ['CanaryWave', 'RestWave']) {
      const wave = definition.States[name];
      expect(wave.Type).toBe('Map');
      expect(wave.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(wave.ItemReader).toMatchObject({
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: bucket(fleet.manifestBucket), Key: 'fleet/manifest.json' },
      });
      expect(wave.ResultWriter).toEqual({
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: bucket(fleet.resultsBucket), Prefix: `fleet-results/tenants/${name === 'CanaryWave' ? 'canary' : 'rest'}` },
      });
      // Ids only: the item carries the manifest entry's id, never its secret or database.
      expect(wave.ItemSelector).toMatchObject({
        'targetId.$': '$$.Map.Item.Value.id',
        'dryRun.$': '$.gate.dryRun',
        'runId.$': '$.gate.runId',
        'trigger.$': '$.gate.trigger',
        'targetIds.$': '$.gate.targetIds',
      });
      expect(JSON.stringify(wave.ItemSelector)).not.toMatch(/secretArn|databaseName|schema/);
      expect(wave.ItemProcessor.States.Migrate.Parameters.Payload).toEqual({
        'targetId.$': '$.targetId', 'dryRun.$': '$.dryRun', 'runId.$': '$.runId', 'trigger.$': '$.trigger',
      });
    }
  });

  test('the canary wave is the manifest\'s first K targets, with no failure tolerated, and must pass before the rest start', () => {
    const canary = definition.States.CanaryWave;
    expect(canary.ItemReader.ReaderConfig.MaxItems).toBe(3);
    expect(canary.ToleratedFailureCount).toBe(0);
    expect(canary.ToleratedFailurePercentage).toBeUndefined();
    expect(canary.MaxConcurrency).toBe(3);
    expect(canary.Next).toBe('CheckCanary');
    expect(canary.Catch.map((c: any) => c.Next)).toEqual(['ManifestInvalid', 'CanaryFailed']);
    expect(definition.States.CanaryPassed).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.canaryRun.notMigrated', NumericGreaterThan: 0, Next: 'CanaryFailed' }],
      Default: 'RestWave',
    });
    expect(reachable(definition.States, 'CanaryFailed').has('RestWave')).toBe(false);
    expect(definition.States.CanaryFailed.Parameters).toMatchObject({ status: 'FAILED', reason: 'CANARY_FAILED' });
  });

  test('the rest wave skips the canary\'s targets, honours the gate\'s targetIds, and runs with MaxConcurrency and the tolerance', () => {
    const rest = definition.States.RestWave;
    expect(rest.ItemReader.ReaderConfig.MaxItems).toBeUndefined();
    expect(rest.MaxConcurrency).toBe(25);
    expect(rest.ToleratedFailureCount).toBe(2);
    expect(rest.ToleratedFailurePercentage).toBe(5);
    expect(rest.ItemSelector).toMatchObject({ 'index.$': '$$.Map.Item.Index', ranBefore: 3 });
    expect(definition.States.CanaryWave.ItemSelector.ranBefore).toBe(0);
    const select = rest.ItemProcessor.States.SelectTarget;
    expect(select.Choices).toEqual([
      { Variable: '$.index', NumericLessThanPath: '$.ranBefore', Next: 'RanInCanary' },
      { Variable: '$.targetIds', IsNull: true, Next: 'Migrate' },
    ]);
    expect(rest.ItemProcessor.States.CheckSelected.Parameters).toEqual({ 'selected.$': 'States.ArrayContains($.targetIds, $.targetId)' });
    expect(rest.ItemProcessor.States.IsSelected.Default).toBe('NotSelected');
    // Neither skip invokes the runner.
    expect(reachable(rest.ItemProcessor.States, 'RanInCanary')).toEqual(new Set(['RanInCanary']));
    expect(reachable(rest.ItemProcessor.States, 'NotSelected')).toEqual(new Set(['NotSelected']));
    expect(rest.Catch.map((c: any) => c.Next)).toEqual(['ManifestInvalid', 'TargetsFailed']);
    // The count is also checked from the map run's own item counts.
    expect(definition.States.CheckRest).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:sfn:describeMapRun', Parameters: { 'MapRunArn.$': '$.rest.MapRunArn' } });
    expect(definition.States.RestWithinTolerance.Choices).toEqual([
      { Variable: '$.restRun.notMigrated', NumericGreaterThan: 2, Next: 'TargetsFailed' },
    ]);
  });

  test('the item processor turns FAILED and SKIPPED results, errors and junk into item failures, so the tolerance counts them', () => {
    const p = definition.States.RestWave.ItemProcessor.States;
    expect(p.TargetOutcome.Choices).toEqual([
      { Variable: '$.result.value.status', StringEquals: 'SUCCEEDED', Next: 'Migrated' },
      { Variable: '$.result.value.status', StringEquals: 'PLANNED', Next: 'Migrated' },
      { Variable: '$.result.value.status', StringEquals: 'FAILED', Next: 'TargetFailed' },
      { Variable: '$.result.value.status', StringEquals: 'SKIPPED', Next: 'TargetSkipped' },
    ]);
    expect(p.TargetOutcome.Default).toBe('TargetResultInvalid');
    expect(p.TargetFailed).toEqual({ Type: 'Fail', Error: 'TargetFailed', CausePath: 'States.JsonToString($.result.value)' });
    expect(p.TargetSkipped).toEqual({ Type: 'Fail', Error: 'TargetSkipped', CausePath: 'States.JsonToString($.result.value)' });
    expect(p.Migrate.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'TargetErrored' }]);
    expect(p.TargetErrored.Type).toBe('Fail');
    // A migrated target's output is its MigrationResult, which the ResultWriter stores.
    expect(p.Migrated).toEqual({ Type: 'Pass', InputPath: '$.result.value', End: true });
  });

  test('every Lambda call retries throttling with backoff (a new account\'s concurrency quota is 10)', () => {
    const calls = Object.entries(states).filter(([, st]: any) => st.Resource === 'arn:aws:states:::lambda:invoke');
    expect(calls.map(([name]) => name).sort()).toEqual(['Gate', 'Migrate', 'Summarize']);
    for (const [, st] of calls as any) {
      expect(st.Retry[0]).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL', MaxAttempts: 8 });
      expect(st.Retry[0].ErrorEquals).toContain('Lambda.TooManyRequestsException');
    }
  });

  test('every path ends in the summary, the one fleet result parameter and the completion event', () => {
    for (const verdict of ['GateSkipped', 'GateFailed', 'GateUnavailable', 'CanaryFailed', 'TargetsFailed', 'ManifestInvalid', 'Planned', 'Succeeded']) {
      expect(definition.States[verdict].Next).toBe('Summarize');
    }
    expect(definition.States.Planned.Parameters).toMatchObject({ status: 'PLANNED', reason: 'DRY_RUN', detailType: 'Database Fleet Migration Planned' });
    expect(definition.States.Succeeded.Parameters).toEqual({ status: 'SUCCEEDED', reason: null, detailType: 'Database Fleet Migration Succeeded' });
    expect(definition.States.TargetsFailed.Parameters).toEqual({ status: 'FAILED', reason: 'TARGETS_FAILED', detailType: 'Database Fleet Migration Failed' });
    expect(definition.States.Summarize.Next).toBe('RecordSummary');
    expect(definition.States.RecordSummary).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:ssm:putParameter',
      Parameters: { Name: '/db-migrator/Saas/fleet/tenants/last-result', 'Value.$': 'States.JsonToString($.summary.value)', Overwrite: true },
      Next: 'PublishSummary',
    });
    expect(definition.States.PublishSummary).toMatchObject({
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: { Entries: [{ EventBusName: `\${${id(fleet.eventBus as any)}}`, Source: 'db-migrator', 'DetailType.$': '$.verdict.detailType', 'Detail.$': '$.summary.value' }] },
      End: true,
    });
    // One parameter, never one per target.
    expect(JSON.stringify(definition).match(/ssm:putParameter/g)).toHaveLength(1);
  });
});

describe('fleet shapes', () => {
  test('canarySize 0 has no canary wave: the gate leads straight to the rest, which skips nothing', () => {
    const { definition } = synthFleet({ canarySize: 0 });
    expect(definition.States.CanaryWave).toBeUndefined();
    expect(definition.States.ShouldMigrate.Choices[0].Next).toBe('RestWave');
    expect(definition.States.RestWave.ItemSelector.ranBefore).toBe(0);
  });

  test('the defaults: MaxConcurrency 10, a canary of 1, no failure tolerated, a 24-hour timeout', () => {
    const { definition } = synthFleet();
    expect(definition.States.RestWave.MaxConcurrency).toBe(10);
    expect(definition.States.CanaryWave.ItemReader.ReaderConfig.MaxItems).toBe(1);
    expect(definition.States.RestWave.ToleratedFailureCount).toBe(0);
    expect(definition.TimeoutSeconds).toBe(86400);
  });

  test('a percentage alone leaves the count to Step Functions: no count check of its own', () => {
    const { definition } = synthFleet({ toleratedFailurePercentage: 10 });
    expect(definition.States.RestWave.ToleratedFailureCount).toBeUndefined();
    expect(definition.States.RestWave.ToleratedFailurePercentage).toBe(10);
    expect(definition.States.RestWave.Next).toBe('Completed');
    expect(definition.States.CheckRest).toBeUndefined();
  });
});
