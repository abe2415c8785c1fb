import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto, type Moto } from '../support/moto';
import {
  createMotoFleetWorld,
  enableStateMachineExecution,
  type MotoFleetWorld,
  putObject,
  startExecution,
  writeSummary,
} from '../support/moto-fleet-world';
import { MOTO_REGION } from '../support/moto-world';
import { childRecord, failedSummary, resultsManifest, sampleSummary } from '../support/fleet-fixtures';
import { failedResult, sampleResult } from '../support/results';
import { awsEnvFor, recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';
import { checkFleetSummary } from '../../../cli/lib/fleet/fleet-summary-schema';

// Real SDK clients in a real CLI process against moto: Step Functions executions (run by moto's interpreter on
// a stand-in definition), the fleet result parameter, the Map's results in S3, the bus and the stack outputs.
const TRANSCRIPT = 'fleet.txt';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: Moto;
let world: MotoFleetWorld;
let env: Record<string, string>;
let sfn: SFNClient;
let sqs: SQSClient;
let deployArn: string;

async function run(...args: string[]): Promise<SpawnedRun> {
  const result = await spawnCli(args, env);
  recordTranscript(TRANSCRIPT, args, result);
  return result;
}

async function untilStatus(executionArn: string, wanted: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status === wanted) return;
    if (Date.now() > deadline) throw new Error(`${executionArn} is ${status}, not ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface DeliveredEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: { stackName: string; dryRun: boolean; reason: string | null; targetIds: string[] | null };
}

async function nextDelivered(timeoutMs = 60_000): Promise<DeliveredEvent> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: world.outputs.ReplayInboxUrl, WaitTimeSeconds: 1 }));
    const message = Messages?.[0];
    if (message?.Body) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: world.outputs.ReplayInboxUrl, ReceiptHandle: message.ReceiptHandle }));
      return JSON.parse(message.Body) as DeliveredEvent;
    }
  }
  throw new Error('no fleet replay request was delivered');
}

const target = (id: string, result = sampleResult()) => ({ ...result, target: { id, schema: `tenant_${id.slice(-3)}` } });
const RESULTS_PREFIX = 'fleet-results/deploy-1';

beforeAll(async () => {
  resetTranscript(TRANSCRIPT);
  moto = await startMoto();
  await enableStateMachineExecution(moto.endpoint);
  env = awsEnvFor(moto.endpoint);
  world = await createMotoFleetWorld(moto.endpoint);
  const config = { endpoint: moto.endpoint, region: MOTO_REGION, credentials };
  sfn = new SFNClient(config);
  sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
}, 600_000);

afterAll(async () => {
  sfn?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

describe('fleet commands against moto', () => {
  test('before any run: fleet status says nothing is recorded (exit 1)', async () => {
    const status = await run('fleet', 'status');

    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`error: no fleet run recorded yet: parameter ${world.parameterName} does not exist`);
  });

  test('fleet status: the last run\'s counts, failures with reasons, console link, and the run in flight', async () => {
    deployArn = await startExecution(moto.endpoint, world.stateMachineArn, 'deploy-AppStack-1', {
      id: 'cfn-event-1',
      source: 'aws.cloudformation',
      'detail-type': 'CloudFormation Stack Status Change',
    });
    await untilStatus(deployArn, 'SUCCEEDED');
    const { startDate, stopDate } = await sfn.send(new DescribeExecutionCommand({ executionArn: deployArn }));
    // The Map's results: 50 targets, of which the summary lists 3 and leaves 2 out to fit.
    const succeeded = Array.from({ length: 45 }, (_, i) => `tenant-${String(i + 1).padStart(3, '0')}`);
    await putObject(moto.endpoint, world.resultsBucket, `${RESULTS_PREFIX}/manifest.json`, resultsManifest({ SUCCEEDED: [`${RESULTS_PREFIX}/SUCCEEDED_0.json`], FAILED: [`${RESULTS_PREFIX}/FAILED_0.json`] }, world.resultsBucket));
    await putObject(moto.endpoint, world.resultsBucket, `${RESULTS_PREFIX}/SUCCEEDED_0.json`, succeeded.map((id) => childRecord(id, { status: 'SUCCEEDED', output: target(id) })));
    await putObject(moto.endpoint, world.resultsBucket, `${RESULTS_PREFIX}/FAILED_0.json`, [
      childRecord('tenant-046', { status: 'FAILED', error: 'AUTH_FAILED', cause: JSON.stringify(target('tenant-046', failedResult({ reason: 'AUTH_FAILED', message: 'password authentication failed' }))) }),
      childRecord('tenant-047', { status: 'FAILED', error: 'CHANGESET_FAILED', cause: JSON.stringify(target('tenant-047', failedResult())) }),
      childRecord('tenant-048', { status: 'FAILED', error: 'LOCK_TIMEOUT', cause: JSON.stringify(target('tenant-048', sampleResult({ status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'lock held' }))) }),
      childRecord('tenant-049', { status: 'FAILED', error: 'Lambda.ServiceException', cause: 'the runner crashed' }),
      childRecord('tenant-050', { status: 'FAILED', error: 'States.Timeout', cause: '' }),
    ]);
    await writeSummary(
      moto.endpoint,
      world.parameterName,
      failedSummary({
        executionArn: deployArn,
        message: '5 of 50 targets did not migrate (tolerated: 2)',
        tolerance: { count: 2, percentage: null },
        counts: { total: 50, succeeded: 45, failed: 4, skipped: 1 },
        failures: [
          { id: 'tenant-046', status: 'FAILED', reason: 'AUTH_FAILED', message: 'password authentication failed' },
          { id: 'tenant-047', status: 'FAILED', reason: 'CHANGESET_FAILED', message: 'changeset 002-users failed: relation "users" already exists' },
          { id: 'tenant-048', status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'lock held' },
        ],
        failuresOmitted: 2,
        results: { bucket: world.resultsBucket, key: `${RESULTS_PREFIX}/manifest.json` },
        startedAt: (startDate as Date).toISOString(),
        finishedAt: (stopDate as Date).toISOString(),
      }),
    );
    const inFlight = await startExecution(moto.endpoint, world.stateMachineArn, 'replay-in-flight', { id: 'replay-event-0', hold: true });

    const status = await run('fleet', 'status');

    expect(status.code).toBe(1);
    expect(status.stdout).toContain('last run:  FAILED (TARGETS_FAILED): 5 of 50 targets did not migrate (tolerated: 2)');
    expect(status.stdout).toContain('targets:   50 total: 45 succeeded, 4 failed, 1 skipped, 0 planned, 0 not started');
    expect(status.stdout).toContain('not migrated: tenant-046  FAILED   AUTH_FAILED: password authentication failed');
    expect(status.stdout).toContain('… and 2 more');
    expect(status.stdout).toContain(`console:   https://${MOTO_REGION}.console.aws.amazon.com/states/home?region=${MOTO_REGION}#/v2/executions/details/${deployArn}`);
    expect(status.stdout).toContain(`in flight: replay-in-flight RUNNING since`);
    expect(status.stdout).toContain(`console: https://${MOTO_REGION}.console.aws.amazon.com/states/home?region=${MOTO_REGION}#/v2/executions/details/${inFlight}`);

    const json = await run('fleet', 'status', '--json');
    expect(json.code).toBe(1);
    const view = JSON.parse(json.stdout) as { summary: unknown; inFlight: { executionArn: string }[] };
    expect(checkFleetSummary(view.summary).ok).toBe(true);
    expect(view.inFlight.map((e) => e.executionArn)).toEqual([inFlight]);
  });

  test('fleet stop stops the run in flight; fleet status then reports it ended ABORTED without a summary', async () => {
    const stop = await run('fleet', 'stop', '--reason', 'changeset 003 locks the users table');

    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('stopped replay-in-flight');
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: world.stateMachineArn }));
    expect(executions?.find((e) => e.name === 'replay-in-flight')?.status).toBe('ABORTED');

    const again = await run('fleet', 'stop');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to stop');

    const status = await run('fleet', 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/LATEST: {4}execution replay-in-flight ended ABORTED at \S+ without a summary \(the run above is an earlier one\)/);
    expect(status.stdout).toContain('in flight: none');
  });

  test('fleet replay --failed-only --wait: every failed and skipped id from S3, ids only, then this request\'s summary', async () => {
    const replay = run('fleet', 'replay', '--failed-only', '--reason', 'after rotating tenant-046', '--wait', '--poll', '1', '--timeout', '120');
    const delivered = await nextDelivered();
    expect(delivered).toMatchObject({
      source: 'db-migrator.replay',
      'detail-type': 'Fleet Migration Replay Requested',
      detail: {
        stackName: world.watchedStack,
        dryRun: false,
        reason: 'after rotating tenant-046',
        targetIds: ['tenant-046', 'tenant-047', 'tenant-048', 'tenant-049', 'tenant-050'],
      },
    });
    expect(Object.keys(delivered.detail).sort()).toEqual(['dryRun', 'reason', 'stackName', 'targetIds']);
    // Standing in for EventBridge's Step Functions target: the whole event is the execution's input.
    const replayArn = await startExecution(moto.endpoint, world.stateMachineArn, 'replay-failed-only', delivered);
    await untilStatus(replayArn, 'SUCCEEDED');
    const { startDate } = await sfn.send(new DescribeExecutionCommand({ executionArn: replayArn }));
    await writeSummary(
      moto.endpoint,
      world.parameterName,
      sampleSummary({
        executionArn: replayArn,
        message: 'all 5 targets migrated',
        trigger: { kind: 'replay', stackName: world.watchedStack, stackStatus: 'CREATE_COMPLETE' },
        canary: null,
        counts: { total: 5, succeeded: 5 },
        results: { bucket: world.resultsBucket, key: 'fleet-results/replay-1/manifest.json' },
        startedAt: (startDate as Date).toISOString(),
        finishedAt: new Date().toISOString(),
      }),
    );

    const done = await replay;

    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Fleet replay requested for ${world.watchedStack} (now CREATE_COMPLETE), 5 target(s): tenant-046, tenant-047, tenant-048, tenant-049, tenant-050: event ${delivered.id}`);
    expect(done.stderr).toContain(`execution replay-failed-only started: https://${MOTO_REGION}.console.aws.amazon.com/states/home`);
    expect(done.stdout).toContain('last run:  SUCCEEDED: all 5 targets migrated');
    expect(done.stdout).toContain('trigger:   replay AppStack CREATE_COMPLETE');
  });

  test('after it, fleet status shows the replay\'s summary and exits 0', async () => {
    const status = await run('fleet', 'status');

    expect(status.code).toBe(0);
    expect(status.stdout).toContain('last run:  SUCCEEDED: all 5 targets migrated');
    expect(status.stdout).not.toContain('LATEST');
    expect(status.stdout).toContain('in flight: none');
  });
});
