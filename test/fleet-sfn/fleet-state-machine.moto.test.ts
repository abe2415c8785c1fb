/**
 * The fleet state machine's definition, taken from the synthesized template, executed by moto's Step Functions
 * interpreter (LocalStack's ASL engine), with every Lambda answered from moto's queued responses.
 *
 * What moto 5.2.5 does, as the "moto itself" tests below pin down, and how each gap is covered:
 * - It runs a DISTRIBUTED Map with an S3 JSON ItemReader (MaxItems honoured), Choice/Pass/Fail states,
 *   intrinsics (States.ArrayContains, States.MathAdd, States.JsonToString in CausePath) and the SSM and
 *   EventBridge integrations, so the verdict the definition computes is really executed here.
 * - It ignores ToleratedFailureCount: a Map whose items reach a Fail state still SUCCEEDS. The definition checks
 *   the count itself from the map run's item counts (DescribeMapRun), which is what decides the verdict here.
 * - Its aws-sdk integration hands parameter names to boto3 unchanged, and boto3 spells Step Functions' members
 *   in camelCase: the describeMapRun tasks are rewritten for moto (REWRITE 1, fleet-world.ts).
 * - Queued Lambda responses are consumed in no fixed order above concurrency 1: the cases that must know which
 *   targets got the failing answers run the rest wave at MaxConcurrency 1 (REWRITE 2, named in those cases).
 * - Its ResultWriter writes only manifest.json, with empty result-file lists, and it keeps no Fail cause of a
 *   child execution: the per-target failures cannot come out of moto. Those cases write the FAILED_0.json the
 *   ResultWriter would have written (the records AWS documents, with the Cause the item's Fail state
 *   produces) next to moto's manifest.json, and run the real summary code on moto's S3 and ListMapRuns with
 *   the Summarize input moto produced, both in-process and as the package's esbuild bundle in a fresh Node.js
 *   process. The Summarize Lambda itself is answered by a queued stand-in, which the tests follow into the SSM
 *   parameter and the completion event.
 * - Its parser rejects an integer ToleratedFailurePercentage (the form CDK and this construct write), and it
 *   cannot evaluate JSONata: the definition is written in JSONPath with intrinsic functions.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { join } from 'node:path';
import { summarizeFleet } from '../../handlers/lib/fleet/fleet-summary';
import { FLEET_SUMMARY_HANDLER_DIR } from '../../infra/package-assets';
import { invokeNodeHandler } from '../runtime/support/node-invoke';
import { expectValidSummary } from '../handlers/fleet/summary-fixtures';
import { synthFleet } from '../infra/fleet/support';
import {
  createWorld,
  type FleetRun,
  motoDefinition,
  motoSources,
  readParameter,
  receiveEvents,
  RESULTS_BUCKET,
  resultKeys,
  rewriteDescribeMapRunForMoto,
  runExecution,
  triggerEvent,
  writeManifest,
} from './support/fleet-world';
import { type MotoSfn, startMotoSfn } from './support/moto-sfn';

const TARGETS = Array.from({ length: 50 }, (_, i) => `tenant-${String(i).padStart(3, '0')}`);
const CANARY = 5;
const PARAMETER = '/db-migrator/Saas/fleet/tenants/last-result';
const CONFIG = { manifestBucket: 'fleet-manifest', manifestKey: 'fleet/manifest.json', resultsBucket: RESULTS_BUCKET, resultsPrefix: 'fleet-results/tenants' };

let moto: MotoSfn;
let world: { roleArn: string; inboxUrl: string };

beforeAll(async () => {
  moto = await startMotoSfn();
  world = await createWorld(moto);
  await writeManifest(moto, TARGETS);
}, 120_000);
afterAll(async () => moto?.stop());

function gate(overrides: Record<string, unknown> = {}) {
  return {
    migrate: true,
    dryRun: false,
    runId: 'd7f0c1a2-0000-4000-8000-000000000001',
    trigger: { kind: 'stack-status-change', stackName: 'Saas', stackStatus: 'UPDATE_COMPLETE' },
    targetIds: null,
    reason: null,
    message: 'the stack is UPDATE_COMPLETE: migrate',
    ...overrides,
  };
}
const migrated = { schemaVersion: 1, status: 'SUCCEEDED', reason: null, message: 'applied 2 changesets' };
const planned = { schemaVersion: 1, status: 'PLANNED', reason: null, message: '2 changesets pending' };
const broken = { schemaVersion: 1, status: 'FAILED', reason: 'CHANGESET_FAILED', message: 'changeset 3 failed: column exists' };

/** What the Summarize Lambda answers in moto: a valid FleetSummary, marked so the tests can follow it. */
function standIn(label: string) {
  return {
    schemaVersion: 1, fleet: 'tenants', executionArn: `stand-in:${label}`, status: 'SUCCEEDED', reason: null,
    message: `stand-in summary for ${label}`, dryRun: false, trigger: null,
    counts: { total: 0, succeeded: 0, failed: 0, skipped: 0, planned: 0, notStarted: 0 }, canary: null,
    tolerance: { count: 0, percentage: null }, failures: [], failuresOmitted: 0, results: null,
    startedAt: '2026-11-29T18:00:00.000Z', finishedAt: '2026-11-29T18:00:01.000Z',
  };
}

async function run(label: string, props: Record<string, unknown>, queued: unknown[], rewrite?: (d: any) => void): Promise<FleetRun> {
  const definition = motoDefinition(synthFleet({ canarySize: CANARY, ...props }));
  rewriteDescribeMapRunForMoto(definition);
  rewrite?.(definition);
  await receiveEvents(moto, world.inboxUrl); // whatever an earlier case left
  await moto.queueLambdaResults([...queued, standIn(label)]);
  return runExecution(moto, world.roleArn, label, definition, triggerEvent());
}

/**
 * Writes the FAILED_0.json the ResultWriter writes on AWS (moto writes none) into moto's result folder of the
 * map run, and lists it in moto's manifest.json: `failed` maps target ids to the result each one returned.
 */
async function writeFailedResults(mapRunArn: string, failed: Record<string, object>): Promise<void> {
  const runId = mapRunArn.split(':').pop()!;
  const folder = `fleet-results/tenants/rest/${runId}`;
  const manifestObject = await moto.clients.s3.send(new GetObjectCommand({ Bucket: RESULTS_BUCKET, Key: `${folder}/manifest.json` }));
  const manifest = JSON.parse(await manifestObject.Body!.transformToString());
  const records = Object.entries(failed).map(([targetId, result]) => ({
    Input: JSON.stringify({ targetId }),
    Status: 'FAILED',
    Error: 'TargetFailed',
    Cause: JSON.stringify(result),
  }));
  await moto.clients.s3.send(new PutObjectCommand({ Bucket: RESULTS_BUCKET, Key: `${folder}/FAILED_0.json`, Body: JSON.stringify(records) }));
  manifest.ResultFiles.FAILED = [{ Key: `${folder}/FAILED_0.json`, Size: 1 }];
  await moto.clients.s3.send(new PutObjectCommand({ Bucket: RESULTS_BUCKET, Key: `${folder}/manifest.json`, Body: JSON.stringify(manifest) }));
}

/** REWRITE 2: the rest wave one target at a time, so the queued answers reach the targets in manifest order. */
const oneAtATime = (definition: any) => {
  definition.States.RestWave.MaxConcurrency = 1;
};

describe('the synthesized fleet state machine on moto', () => {
  test('50 targets, all SUCCEEDED: both waves run, the verdict is SUCCEEDED, the summary lands in SSM and on the bus', async () => {
    const r = await run('all-succeeded', { maxConcurrency: 10 }, [gate(), ...TARGETS.map(() => migrated)]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.summaryInput.state.verdict).toEqual({ status: 'SUCCEEDED', reason: null, detailType: 'Database Fleet Migration Succeeded' });
    expect(r.mapRuns.Canary.itemCounts).toMatchObject({ total: CANARY, succeeded: CANARY, failed: 0 });
    // The rest wave reads the whole manifest; the canary's five pass through without running again.
    expect(r.mapRuns.Rest.itemCounts).toMatchObject({ total: 50, succeeded: 50, failed: 0 });
    expect(r.enteredStates.filter((s) => s === 'Gate')).toHaveLength(1);
    expect(r.summaryInput).toMatchObject({ fleet: 'tenants', canarySize: CANARY, tolerance: { count: 0, percentage: null } });
    expect(await readParameter(moto, PARAMETER)).toEqual(standIn('all-succeeded'));
    const events = await receiveEvents(moto, world.inboxUrl);
    expect(events.map((e) => [e.source, e['detail-type'], e.detail.message])).toEqual([
      ['db-migrator', 'Database Fleet Migration Succeeded', 'stand-in summary for all-succeeded'],
    ]);
    expect(r.output).toEqual(standIn('all-succeeded'));
  });

  test('3 of 50 FAILED with tolerance 0: the fleet is FAILED and the summary names the 3 (REWRITE 2: rest at concurrency 1)', async () => {
    const failing = new Set([10, 20, 30]); // positions among the rest wave's 45 runs
    const answers = TARGETS.slice(CANARY).map((_, i) => (failing.has(i) ? broken : migrated));
    const r = await run('three-failed', { toleratedFailureCount: 0 }, [gate(), ...TARGETS.slice(0, CANARY).map(() => migrated), ...answers], oneAtATime);
    expect(r.status).toBe('SUCCEEDED'); // the execution recorded its verdict; the fleet's status is in it
    expect(r.summaryInput.state.verdict).toEqual({ status: 'FAILED', reason: 'TARGETS_FAILED', detailType: 'Database Fleet Migration Failed' });
    expect(r.mapRuns.Rest.itemCounts).toMatchObject({ total: 50, succeeded: 47, failed: 3 });
    // Decided by the definition's own count check: moto let the Map itself succeed despite ToleratedFailureCount 0.
    expect(r.history.filter((e) => e.type === 'MapStateFailed')).toHaveLength(0);
    expect(r.history.filter((e) => e.type === 'MapStateSucceeded')).toHaveLength(2);
    expect(r.enteredStates).toEqual(expect.arrayContaining(['CheckRest', 'RestWithinTolerance', 'TargetsFailed']));
    expect((await receiveEvents(moto, world.inboxUrl)).map((e) => e['detail-type'])).toEqual(['Database Fleet Migration Failed']);

    const ids = [...failing].map((i) => TARGETS[CANARY + i]);
    await writeFailedResults(r.mapRuns.Rest.arn, Object.fromEntries(ids.map((id) => [id, broken])));
    const summary = await summarizeFleet(r.summaryInput, CONFIG, motoSources(moto));
    expectValidSummary(summary);
    expect(summary).toMatchObject({ status: 'FAILED', reason: 'TARGETS_FAILED', canary: { size: CANARY, passed: true } });
    expect(summary.counts).toEqual({ total: 50, succeeded: 47, failed: 3, skipped: 0, planned: 0, notStarted: 0 });
    expect(summary.failures).toEqual(ids.map((id) => ({ id, status: 'FAILED', reason: 'CHANGESET_FAILED', message: broken.message })));
    expect(summary.results!.key).toBe(`fleet-results/tenants/rest/${r.mapRuns.Rest.arn.split(':').pop()}/manifest.json`);

    // The package's esbuild bundle of the summary step, loaded in a fresh Node.js process as the nodejs22.x runtime
    // would, with the function's environment and the AWS APIs on moto: the same summary, through the real SDK.
    const s = synthFleet({ canarySize: CANARY });
    const fn = s.template.toJSON().Resources[s.id(s.fleet.summaryFunction)].Properties;
    expect(fn.Handler).toBe('index.handler');
    const invoked = await invokeNodeHandler(
      {
        file: join(FLEET_SUMMARY_HANDLER_DIR, 'index.js'),
        exportName: 'handler',
        fn: { logicalId: 'FleetSummary', runtime: fn.Runtime, handler: fn.Handler, environment: {}, memorySize: fn.MemorySize, timeoutSeconds: fn.Timeout, codeDir: FLEET_SUMMARY_HANDLER_DIR, layerDirs: [] },
      },
      {
        FLEET_MANIFEST_BUCKET: CONFIG.manifestBucket,
        FLEET_MANIFEST_KEY: fn.Environment.Variables.FLEET_MANIFEST_KEY,
        FLEET_RESULTS_BUCKET: RESULTS_BUCKET,
        FLEET_RESULTS_PREFIX: fn.Environment.Variables.FLEET_RESULTS_PREFIX,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto.endpoint,
      },
      r.summaryInput,
    );
    expect(invoked.ok).toBe(true);
    const bundled = (invoked as { result: any }).result;
    expectValidSummary(bundled);
    expect({ ...bundled, finishedAt: summary.finishedAt }).toEqual(summary);
  });

  test('the same 3 within a tolerance of 3: the fleet SUCCEEDED, with the failures listed (REWRITE 2)', async () => {
    const failing = new Set([0, 1, 44]);
    const answers = TARGETS.slice(CANARY).map((_, i) => (failing.has(i) ? broken : migrated));
    const r = await run('within-tolerance', { toleratedFailureCount: 3 }, [gate(), ...TARGETS.slice(0, CANARY).map(() => migrated), ...answers], oneAtATime);
    expect(r.summaryInput.state.verdict).toEqual({ status: 'SUCCEEDED', reason: null, detailType: 'Database Fleet Migration Succeeded' });
    expect(r.mapRuns.Rest.itemCounts).toMatchObject({ failed: 3 });
    expect(r.enteredStates).not.toContain('TargetsFailed');
    await receiveEvents(moto, world.inboxUrl);

    const ids = [...failing].map((i) => TARGETS[CANARY + i]);
    await writeFailedResults(r.mapRuns.Rest.arn, Object.fromEntries(ids.map((id) => [id, broken])));
    const summary = await summarizeFleet(r.summaryInput, CONFIG, motoSources(moto));
    expectValidSummary(summary);
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.failures.map((f) => f.id)).toEqual(['tenant-005', 'tenant-006', 'tenant-049']);
    expect(summary.tolerance).toEqual({ count: 3, percentage: null });
  });

  test('a failure in the canary wave stops the rest from starting', async () => {
    const canaryAnswers = [migrated, migrated, broken, migrated, migrated];
    const r = await run('canary-failed', { maxConcurrency: 10 }, [gate(), ...canaryAnswers]);
    expect(r.summaryInput.state.verdict).toEqual({ status: 'FAILED', reason: 'CANARY_FAILED', detailType: 'Database Fleet Migration Failed' });
    expect(r.mapRuns.Canary.itemCounts).toMatchObject({ total: CANARY, succeeded: 4, failed: 1 });
    expect(Object.keys(r.mapRuns)).toEqual(['Canary']);
    expect(r.enteredStates).not.toContain('RestWave');
    expect((await receiveEvents(moto, world.inboxUrl)).map((e) => e['detail-type'])).toEqual(['Database Fleet Migration Failed']);
    const summary = await summarizeFleet(r.summaryInput, CONFIG, motoSources(moto));
    expect(summary.counts).toMatchObject({ total: 50, notStarted: 45 });
    expect(summary.canary).toEqual({ size: CANARY, passed: false });
  });

  test('a dry run: every target PLANNED, the verdict PLANNED', async () => {
    const r = await run('dry-run', {}, [gate({ dryRun: true }), ...TARGETS.map(() => planned)]);
    expect(r.summaryInput.state.verdict).toEqual({ status: 'PLANNED', reason: 'DRY_RUN', detailType: 'Database Fleet Migration Planned' });
    expect(r.mapRuns.Rest.itemCounts).toMatchObject({ total: 50, succeeded: 50, failed: 0 });
    expect((await receiveEvents(moto, world.inboxUrl)).map((e) => e['detail-type'])).toEqual(['Database Fleet Migration Planned']);
    const summary = await summarizeFleet(r.summaryInput, CONFIG, motoSources(moto));
    expectValidSummary(summary);
    expect(summary.counts).toEqual({ total: 50, succeeded: 0, failed: 0, skipped: 0, planned: 50, notStarted: 0 });
  });

  test('a replay of two targets runs only those: the canary\'s targets, not named, pass through too', async () => {
    const r = await run('replay-two', {}, [gate({ targetIds: ['tenant-030', 'tenant-031'], trigger: { kind: 'replay', stackName: 'Saas', stackStatus: 'UPDATE_COMPLETE' } }), migrated, migrated]);
    expect(r.summaryInput.state.verdict.status).toBe('SUCCEEDED');
    // Every other item passes through without a Lambda call: the queue held exactly 2 answers before the
    // stand-in, and the stand-in is what reached the parameter.
    expect(r.mapRuns.Canary.itemCounts).toMatchObject({ total: CANARY, succeeded: CANARY });
    expect(r.mapRuns.Rest.itemCounts).toMatchObject({ total: 50, succeeded: 50 });
    expect(await readParameter(moto, PARAMETER)).toEqual(standIn('replay-two'));
    await receiveEvents(moto, world.inboxUrl);
  });

  test('the gate says the stack is in progress: no wave starts, the verdict is SKIPPED', async () => {
    const r = await run('gate-skipped', {}, [gate({ migrate: false, reason: 'STACK_IN_PROGRESS', message: 'UPDATE_IN_PROGRESS' })]);
    expect(r.summaryInput.state.verdict).toEqual({ status: 'SKIPPED', reason: 'STACK_IN_PROGRESS', detailType: 'Database Fleet Migration Skipped' });
    expect(r.mapRuns).toEqual({});
    expect((await receiveEvents(moto, world.inboxUrl)).map((e) => e['detail-type'])).toEqual(['Database Fleet Migration Skipped']);
  });
});

describe('moto itself (the facts the cases above rely on or work around)', () => {
  test('its ResultWriter writes a manifest.json with empty result-file lists, and no result files', async () => {
    const keys = await resultKeys(moto);
    expect(keys.some((k) => /^fleet-results\/tenants\/canary\/[^/]+\/manifest\.json$/.test(k))).toBe(true);
    const runId = keys.find((k) => k.startsWith('fleet-results/tenants/canary/'))!.split('/')[3];
    const object = await moto.clients.s3.send(new GetObjectCommand({ Bucket: RESULTS_BUCKET, Key: `fleet-results/tenants/canary/${runId}/manifest.json` }));
    expect(JSON.parse(await object.Body!.transformToString()).ResultFiles).toEqual({ FAILED: [], PENDING: [], SUCCEEDED: [] });
    // Only the FAILED_0.json files the tests above wrote themselves.
    expect(keys.filter((k) => !k.endsWith('/manifest.json')).every((k) => k.endsWith('/FAILED_0.json'))).toBe(true);
  });

  test('it cannot evaluate JSONata (its evaluator is a stub), which is why the definition is JSONPath', async () => {
    const definition = { QueryLanguage: 'JSONata', StartAt: 'Add', States: { Add: { Type: 'Pass', Output: '{% 1 + 1 %}', End: true } } };
    const r = await runExecution(moto, world.roleArn, 'jsonata-probe', definition, {});
    expect(r.status).toBe('FAILED');
    // The JSONata evaluator moto ships is never set: calling it fails on None.
    expect([r.error, r.cause]).toEqual(['States.Runtime', expect.stringContaining("'NoneType' object is not callable")]);
  });

  test('its parser rejects the integer ToleratedFailurePercentage the construct writes', async () => {
    const definition = motoDefinition(synthFleet({ toleratedFailurePercentage: 10 }));
    expect(definition.States.RestWave.ToleratedFailurePercentage).toBe(10);
    // The SDK cannot parse moto's error reply (it has no error type), so the call goes out raw.
    const reply = await fetch(`${moto.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.CreateStateMachine',
        authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ name: 'integer-percentage', roleArn: world.roleArn, definition: JSON.stringify(definition) }),
    });
    expect(reply.status).toBe(400);
    const text = await reply.text();
    expect(text).toMatch(/ASLParserException/);
    expect(text).toContain('ToleratedFailurePercentage');
    // Written as 10.0, which JSON cannot tell from 10 but moto's parser can, the same definition is accepted.
    const asFloat = JSON.stringify(definition).replace('"ToleratedFailurePercentage":10', '"ToleratedFailurePercentage":10.0');
    const created = await moto.clients.sfn.send(new CreateStateMachineCommand({ name: 'float-percentage', roleArn: world.roleArn, definition: asFloat }));
    expect(created.stateMachineArn).toMatch(/float-percentage$/);
  });
});
