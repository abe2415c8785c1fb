import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError, migratorStack, MIGRATOR_STACK, OUTPUTS, stackMissing } from '../support/aws-fakes';
import {
  childRecord,
  executionArn,
  failedSummary,
  FLEET_BUS,
  FLEET_OUTPUTS,
  FLEET_PARAMETER,
  FLEET_RESULTS_BUCKET,
  FLEET_STATE_MACHINE_ARN,
  resultsManifest,
  sampleSummary,
} from '../support/fleet-fixtures';
import { APP_STACK, APP_STACK_ID, failedResult, sampleResult } from '../support/results';
import { cli, jsonLines } from '../support/run-cli';
import type { FleetSummary } from '../../../cli/lib/fleet/fleet-summary';

const cfn = mockClient(CloudFormationClient);
const events = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);

const EVENT_ID = '9b1c2b3d-0000-4000-8000-00000000f1ee';
const MANIFEST_KEY = 'results/7f3e/manifest.json';

beforeEach(() => {
  for (const mock of [cfn, events, ssm, sfn, s3]) mock.reset();
  cfn
    .on(DescribeStacksCommand, { StackName: MIGRATOR_STACK })
    .resolves(migratorStack({ ...OUTPUTS, ...FLEET_OUTPUTS }))
    .on(DescribeStacksCommand, { StackName: APP_STACK })
    .resolves({ Stacks: [{ StackName: APP_STACK, StackId: APP_STACK_ID, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: EVENT_ID }] });
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
});

/** Each read of the latest version returns the next entry (the last one sticks); `name:version` returns that one. */
function summaryVersions(...values: { version: number; summary: FleetSummary }[]): void {
  const latest = ssm.on(GetParameterCommand, { Name: FLEET_PARAMETER });
  values.forEach(({ version, summary }) => latest.resolvesOnce({ Parameter: { Name: FLEET_PARAMETER, Version: version, Value: JSON.stringify(summary) } }));
  const last = values[values.length - 1];
  latest.resolves({ Parameter: { Name: FLEET_PARAMETER, Version: last.version, Value: JSON.stringify(last.summary) } });
  for (const { version, summary } of values) {
    ssm.on(GetParameterCommand, { Name: `${FLEET_PARAMETER}:${version}` }).resolves({ Parameter: { Name: FLEET_PARAMETER, Version: version, Value: JSON.stringify(summary) } });
  }
}

function noSummary(): void {
  ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'not found'));
}

function s3Object(key: string, body: unknown, bucket = FLEET_RESULTS_BUCKET): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  s3.on(GetObjectCommand, { Bucket: bucket, Key: key }).resolves({ Body: { transformToString: async () => text } as never });
}

function published(): Record<string, unknown>[] {
  return events.commandCalls(PutEventsCommand).map((call) => {
    const [entry, ...rest] = call.args[0].input.Entries ?? [];
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ EventBusName: FLEET_BUS, Source: 'db-migrator.replay', DetailType: 'Fleet Migration Replay Requested' });
    return JSON.parse(entry.Detail as string) as Record<string, unknown>;
  });
}

const target = (id: string, overrides = {}) => ({ ...sampleResult(overrides), target: { id, schema: null } });

describe('fleet replay', () => {
  test('publishes the contract\'s event, ids only, for every target of the last run\'s watched stack', async () => {
    summaryVersions({ version: 3, summary: sampleSummary() });

    const run = await cli(['fleet', 'replay', '--reason', 'hotfix 42']);

    expect(run.code).toBe(0);
    expect(published()).toEqual([{ stackName: APP_STACK, dryRun: false, reason: 'hotfix 42', targetIds: null }]);
    expect(run.stdout).toContain(`Fleet replay requested for ${APP_STACK} (now UPDATE_COMPLETE), every target: event ${EVENT_ID} on bus ${FLEET_BUS}`);
    expect(run.stdout).toContain('Follow it with: db-migrator fleet status\n');
  });

  test('--target (repeatable, several per flag) names targets once each; --dry-run asks for a plan', async () => {
    noSummary();

    const run = await cli(['fleet', 'replay', '--stack', APP_STACK, '--target', 'tenant-1', 'tenant-2', '--target', 'tenant-1', '--dry-run', '--json']);

    expect(run.code).toBe(0);
    expect(published()).toEqual([{ stackName: APP_STACK, dryRun: true, reason: null, targetIds: ['tenant-1', 'tenant-2'] }]);
    expect(jsonLines(run)).toEqual([
      { fleetReplayRequested: { eventId: EVENT_ID, stackName: APP_STACK, stackStatus: 'UPDATE_COMPLETE', dryRun: true, reason: null, targetIds: ['tenant-1', 'tenant-2'] } },
    ]);
  });

  test('an id the manifest could not hold is a usage error, and nothing is published', async () => {
    noSummary();

    const run = await cli(['fleet', 'replay', '--stack', APP_STACK, '--target', 'tenant-1', '--target', '../etc/passwd']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a target id: "../etc/passwd"');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('without --stack and without an earlier run, the watched stack must be named', async () => {
    noSummary();

    const run = await cli(['fleet', 'replay']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('name the watched stack to migrate for with --stack');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('a watched stack that does not exist is refused before anything is published', async () => {
    noSummary();
    cfn.on(DescribeStacksCommand, { StackName: 'GoneStack' }).rejects(stackMissing('GoneStack'));

    const run = await cli(['fleet', 'replay', '--stack', 'GoneStack']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stack GoneStack does not exist');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('a request naming more targets than one event carries is refused, with the alternative', async () => {
    noSummary();
    const ids = Array.from({ length: 2500 }, (_, i) => `tenant-${String(i).padStart(4, '0')}-${'x'.repeat(90)}`);

    const run = await cli(['fleet', 'replay', '--stack', APP_STACK, '--target', ...ids]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the request names 2500 targets \(\d+ bytes\), more than one event can carry \(250000 bytes\)/);
    expect(run.stderr).toContain('Replay the whole fleet instead');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('a rejected entry in the PutEvents answer is a failure, not a success', async () => {
    noSummary();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    const run = await cli(['fleet', 'replay', '--stack', APP_STACK]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`event bus ${FLEET_BUS} rejected the fleet replay request (InternalFailure: try again)`);
  });

  test('--failed-only and --target together are a usage error', async () => {
    const run = await cli(['fleet', 'replay', '--failed-only', '--target', 'tenant-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--failed-only and --target cannot be combined');
  });
});

describe('fleet replay --failed-only', () => {
  function lastRunWithResults(summary = failedSummary({ failuresOmitted: 2, failures: failedSummary().failures.slice(0, 1), counts: { succeeded: 45, failed: 4, skipped: 1 } })) {
    summaryVersions({ version: 5, summary });
  }

  test('takes the FAILED and SKIPPED ids from the results in S3, not the truncated summary, and ignores the rest', async () => {
    lastRunWithResults();
    s3Object(MANIFEST_KEY, resultsManifest({ SUCCEEDED: ['results/7f3e/SUCCEEDED_0.json'], FAILED: ['results/7f3e/FAILED_0.json'] }));
    s3Object('results/7f3e/SUCCEEDED_0.json', [
      childRecord('tenant-001', { status: 'SUCCEEDED', output: target('tenant-001') }),
      // A target that returned FAILED or SKIPPED without the item being failed still counts.
      childRecord('tenant-019', { status: 'SUCCEEDED', output: { Payload: target('tenant-019', failedResult()) } }),
      childRecord('tenant-002', { status: 'SUCCEEDED', output: target('tenant-002', { status: 'PLANNED', reason: 'DRY_RUN' }) }),
    ]);
    s3Object('results/7f3e/FAILED_0.json', [
      childRecord('tenant-007', { status: 'FAILED', error: 'AUTH_FAILED', cause: JSON.stringify(target('tenant-007', failedResult({ reason: 'AUTH_FAILED' }))) }),
      childRecord('tenant-042', { status: 'FAILED', error: 'LOCK_TIMEOUT', cause: JSON.stringify(target('tenant-042', { status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'lock' })) }),
      childRecord('tenant-050', { status: 'FAILED', error: 'Lambda.ServiceException', cause: 'the function crashed' }),
      childRecord('tenant-051', { status: 'FAILED', error: 'States.Timeout', cause: '' }),
    ]);

    const run = await cli(['fleet', 'replay', '--failed-only', '--reason', 'after the fix']);

    expect(run.code).toBe(0);
    const [detail] = published();
    expect(detail).toEqual({
      stackName: APP_STACK,
      dryRun: false,
      reason: 'after the fix',
      targetIds: ['tenant-007', 'tenant-019', 'tenant-042', 'tenant-050', 'tenant-051'],
    });
    expect(run.stdout).toContain('5 target(s): tenant-007, tenant-019, tenant-042, tenant-050, tenant-051: event');
    expect(run.stderr).toBe('');
  });

  test('reads JSON Lines results, and compact records that are the target\'s result itself', async () => {
    lastRunWithResults(failedSummary({ failures: [], failuresOmitted: 0, counts: { succeeded: 48, failed: 1, skipped: 1 } }));
    s3Object(MANIFEST_KEY, resultsManifest({ SUCCEEDED: ['results/7f3e/SUCCEEDED_0.jsonl'] }));
    const lines = [target('tenant-1'), target('tenant-2', failedResult()), target('tenant-3', { status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'x' })];
    s3Object('results/7f3e/SUCCEEDED_0.jsonl', `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

    const run = await cli(['fleet', 'replay', '--failed-only']);

    expect(run.code).toBe(0);
    expect(published()[0].targetIds).toEqual(['tenant-2', 'tenant-3']);
  });

  test('a failed item that names no target makes the list incomplete: refused, nothing published', async () => {
    lastRunWithResults();
    s3Object(MANIFEST_KEY, resultsManifest({ FAILED: ['results/7f3e/FAILED_0.json'] }));
    s3Object('results/7f3e/FAILED_0.json', [{ ...childRecord('x', { status: 'FAILED' }), Input: '{}' }]);

    const run = await cli(['fleet', 'replay', '--failed-only']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 failed item(s) in the results under s3://');
    expect(run.stderr).toContain('name no target id');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('warns when S3 names fewer failures than the summary counts, and when targets never started', async () => {
    lastRunWithResults(failedSummary({ counts: { succeeded: 40, failed: 3, skipped: 1, notStarted: 6 } }));
    s3Object(MANIFEST_KEY, resultsManifest({ FAILED: [] }));

    const run = await cli(['fleet', 'replay', '--failed-only']);

    expect(run.code).toBe(0);
    expect(published()[0].targetIds).toEqual(['tenant-007', 'tenant-019', 'tenant-042']);
    expect(run.stderr).toContain('warning: the summary counts 4 failed or skipped target(s), the results in S3 name 3');
    expect(run.stderr).toContain('warning: 6 target(s) never started in that run; --failed-only does not run them (a full replay does)');
  });

  test('refuses when no fleet run is recorded', async () => {
    noSummary();

    const run = await cli(['fleet', 'replay', '--stack', APP_STACK, '--failed-only']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--failed-only: no fleet run recorded yet');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('refuses when the last run started no target (the gate skipped it)', async () => {
    summaryVersions({ version: 2, summary: sampleSummary({ status: 'SKIPPED', reason: 'STACK_IN_PROGRESS', message: 'x', results: null, canary: { size: 5, passed: null } }) });

    const run = await cli(['fleet', 'replay', '--failed-only']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--failed-only: the last fleet run (SKIPPED, STACK_IN_PROGRESS) started no target');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('refuses when nothing failed', async () => {
    summaryVersions({ version: 2, summary: sampleSummary() });
    s3Object(MANIFEST_KEY, resultsManifest({ SUCCEEDED: ['results/7f3e/SUCCEEDED_0.json'] }));
    s3Object('results/7f3e/SUCCEEDED_0.json', [childRecord('tenant-1', { status: 'SUCCEEDED', output: target('tenant-1') })]);

    const run = await cli(['fleet', 'replay', '--failed-only']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no target of the last fleet run (SUCCEEDED) failed or was skipped: nothing to replay');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('results expired from S3 are explained', async () => {
    lastRunWithResults();
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));

    const run = await cli(['fleet', 'replay', '--failed-only']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the fleet run's results are gone: s3://${FLEET_RESULTS_BUCKET}/${MANIFEST_KEY} does not exist`);
  });
});

describe('fleet replay --wait', () => {
  const ours = executionArn('replay-ours');
  const foreign = executionArn('deploy-other');

  function executions(): void {
    const listing = [
      { executionArn: ours, stateMachineArn: FLEET_STATE_MACHINE_ARN, name: 'replay-ours', status: 'RUNNING' as const, startDate: new Date('2025-06-02T12:00:02Z') },
      { executionArn: foreign, stateMachineArn: FLEET_STATE_MACHINE_ARN, name: 'deploy-other', status: 'RUNNING' as const, startDate: new Date('2025-06-02T12:00:01Z') },
    ];
    // The first listing comes before EventBridge has started ours.
    sfn.on(ListExecutionsCommand).resolvesOnce({ executions: listing.slice(1) }).resolves({ executions: listing });
    sfn.on(DescribeExecutionCommand, { executionArn: foreign }).resolves({ executionArn: foreign, stateMachineArn: FLEET_STATE_MACHINE_ARN, status: 'RUNNING', startDate: new Date(), input: JSON.stringify({ id: 'cfn-event', source: 'aws.cloudformation' }) });
  }

  function ourExecution(status: 'RUNNING' | 'SUCCEEDED' | 'ABORTED', extra = {}): void {
    sfn.on(DescribeExecutionCommand, { executionArn: ours }).resolves({
      executionArn: ours,
      stateMachineArn: FLEET_STATE_MACHINE_ARN,
      status,
      startDate: new Date(),
      input: JSON.stringify({ id: EVENT_ID, source: 'db-migrator.replay', 'detail-type': 'Fleet Migration Replay Requested' }),
      ...extra,
    });
  }

  test('finds the execution by the event id, skips another execution\'s summary, prints ours and exits with its code', async () => {
    executions();
    ourExecution('RUNNING');
    const before = sampleSummary();
    const other = sampleSummary({ executionArn: foreign });
    const mine = failedSummary({ executionArn: ours, trigger: { kind: 'replay', stackName: APP_STACK, stackStatus: 'UPDATE_COMPLETE' } });
    summaryVersions({ version: 3, summary: before }, { version: 3, summary: before }, { version: 5, summary: mine });
    ssm.on(GetParameterCommand, { Name: `${FLEET_PARAMETER}:4` }).resolves({ Parameter: { Name: FLEET_PARAMETER, Version: 4, Value: JSON.stringify(other) } });

    const run = await cli(['fleet', 'replay', '--wait', '--poll', '1']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`execution replay-ours started: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${ours}`);
    expect(run.stderr).toContain("version 4 is another execution's summary (SUCCEEDED); still waiting");
    expect(run.stdout).toContain('last run:  FAILED (TARGETS_FAILED)');
    expect(run.stdout).toContain('not migrated: tenant-007');
    expect(run.stdout).not.toContain('in flight');
    expect(sfn.commandCalls(DescribeExecutionCommand).filter((c) => c.args[0].input.executionArn === foreign)).toHaveLength(1);
  });

  test('--json: the request, then the FleetSummary', async () => {
    executions();
    ourExecution('RUNNING');
    const mine = sampleSummary({ executionArn: ours, status: 'PLANNED', reason: 'DRY_RUN', dryRun: true, counts: { succeeded: 0, planned: 50 } });
    summaryVersions({ version: 1, summary: sampleSummary() }, { version: 2, summary: mine });

    const run = await cli(['fleet', 'replay', '--dry-run', '--wait', '--json']);

    expect(run.code).toBe(0);
    const lines = jsonLines(run) as Record<string, unknown>[];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveProperty('fleetReplayRequested.eventId', EVENT_ID);
    expect(lines[1]).toEqual(mine);
  });

  test('an execution that ends ABORTED without a summary ends the wait at once, exit 1', async () => {
    executions();
    ourExecution('ABORTED', { error: 'db-migrator.FleetStopped', cause: 'stopped by db-migrator fleet stop' });
    summaryVersions({ version: 3, summary: sampleSummary() });
    const clock = { now: Date.parse('2025-06-02T12:00:00Z') };

    const run = await cli(['fleet', 'replay', '--wait', '--poll', '5'], { clock });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: execution replay-ours ended ABORTED without a fleet summary (db-migrator.FleetStopped: stopped by db-migrator fleet stop)');
    expect(clock.now - Date.parse('2025-06-02T12:00:00Z')).toBeLessThanOrEqual(5000);
  });

  test('no execution with the event id before --timeout: exit 1, pointing at the replay rule', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    summaryVersions({ version: 3, summary: sampleSummary() });

    const run = await cli(['fleet', 'replay', '--wait', '--timeout', '30', '--poll', '10']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no fleet summary after 30 s: no execution of ${FLEET_STATE_MACHINE_ARN} carries the request's event ${EVENT_ID}`);
    expect(sfn.commandCalls(ListExecutionsCommand).length).toBe(4);
  });
});
