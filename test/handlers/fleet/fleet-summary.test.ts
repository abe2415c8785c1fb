import { summarizeFleet, SUMMARY_MAX_BYTES } from '../../../handlers/lib/fleet/fleet-summary';
import { CONFIG, expectValidSummary, failedRecord, fakeSources, ids, mapRun, request, waveObjects } from './summary-fixtures';

const NOW = new Date('2026-11-29T18:05:00.000Z');
const manifest = (n: number) => ({ 'manifests/fleet/manifest.json': ids(n).map((id) => ({ id, secretArn: 'arn:s', databaseName: 'app' })) });

describe('the FleetSummary from the ResultWriter\'s files', () => {
  test('50 targets, all migrated: counts, no failures, the rest wave\'s results manifest', async () => {
    const sources = fakeSources({ ...manifest(50), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', []) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet(request('SUCCEEDED', null), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary).toMatchObject({
      status: 'SUCCEEDED',
      reason: null,
      counts: { total: 50, succeeded: 50, failed: 0, skipped: 0, planned: 0, notStarted: 0 },
      canary: { size: 2, passed: true },
      failures: [],
      failuresOmitted: 0,
      results: { bucket: 'results', key: 'fleet-results/tenants/rest/r1/manifest.json' },
      startedAt: '2026-11-29T18:00:00.123Z',
      finishedAt: '2026-11-29T18:05:00.000Z',
      trigger: { kind: 'stack-status-change', stackName: 'Saas', stackStatus: 'UPDATE_COMPLETE' },
    });
    expect(summary.message).toBe('Fleet tenants migrated: 50 of 50 targets migrated, 0 failed, 0 skipped, 0 not started.');
  });

  test('3 of 50 did not migrate: named in manifest order with their reasons; SKIPPED and thrown errors count as not migrated', async () => {
    const failed = [
      failedRecord('tenant-040', 'TargetFailed', 'CHANGESET_FAILED', 'changeset 7 failed: relation exists'),
      failedRecord('tenant-007', 'TargetSkipped', 'LOCK_TIMEOUT', 'another run held the lock'),
      failedRecord('tenant-023', 'TargetErrored'),
    ];
    const sources = fakeSources({ ...manifest(50), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', failed) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet(request('FAILED', 'TARGETS_FAILED'), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary.counts).toEqual({ total: 50, succeeded: 47, failed: 2, skipped: 1, planned: 0, notStarted: 0 });
    expect(summary.failures).toEqual([
      { id: 'tenant-007', status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'another run held the lock' },
      { id: 'tenant-023', status: 'FAILED', reason: 'Lambda.Unknown', message: 'Task timed out after 900.00 seconds' },
      { id: 'tenant-040', status: 'FAILED', reason: 'CHANGESET_FAILED', message: 'changeset 7 failed: relation exists' },
    ]);
    expect(summary.message).toMatch(/^Fleet tenants FAILED: more targets did not migrate than tolerated/);
  });

  test('within the tolerance the fleet SUCCEEDED, with its failures listed', async () => {
    const failed = ['tenant-010', 'tenant-020', 'tenant-030'].map((id) => failedRecord(id, 'TargetFailed'));
    const sources = fakeSources({ ...manifest(50), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', failed) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet({ ...request('SUCCEEDED', null), tolerance: { count: 3, percentage: null } }, CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.failures.map((f) => f.id)).toEqual(['tenant-010', 'tenant-020', 'tenant-030']);
    expect(summary.tolerance).toEqual({ count: 3, percentage: null });
  });

  test('a canary failure: the rest never started, and counts as not started', async () => {
    const sources = fakeSources({ ...manifest(50), ...waveObjects('canary', 'c1', [failedRecord('tenant-001', 'TargetFailed')]) }, [mapRun('Canary', 'c1')]);
    const summary = await summarizeFleet(request('FAILED', 'CANARY_FAILED'), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary.counts).toEqual({ total: 50, succeeded: 1, failed: 1, skipped: 0, planned: 0, notStarted: 48 });
    expect(summary.canary).toEqual({ size: 2, passed: false });
    expect(summary.results).toEqual({ bucket: 'results', key: 'fleet-results/tenants/canary/c1/manifest.json' });
  });

  test('a dry run: every target that ran is PLANNED', async () => {
    const sources = fakeSources({ ...manifest(5), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', []) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet(request('PLANNED', 'DRY_RUN', { dryRun: true }), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary.counts).toEqual({ total: 5, succeeded: 0, failed: 0, skipped: 0, planned: 5, notStarted: 0 });
    expect(summary.dryRun).toBe(true);
    expect(summary.message).toMatch(/nothing was applied/);
  });

  test('a replay of chosen targets: the others count as not started', async () => {
    const sources = fakeSources({ ...manifest(10), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', []) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet(request('SUCCEEDED', null, { targetIds: ['tenant-001', 'tenant-005', 'not-in-manifest'] }), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary.counts).toEqual({ total: 10, succeeded: 2, failed: 0, skipped: 0, planned: 0, notStarted: 8 });
  });

  test('a stopped rest wave: its PENDING items never started', async () => {
    const pending = ['tenant-008', 'tenant-009'].map((id) => ({ ...failedRecord(id, 'TargetFailed'), Status: 'PENDING', Error: undefined, Cause: undefined }));
    const sources = fakeSources({ ...manifest(10), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', [], pending) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet(request('FAILED', 'TARGETS_FAILED'), CONFIG, sources, NOW);
    expect(summary.counts).toMatchObject({ succeeded: 8, notStarted: 2 });
  });

  test('the gate skipped: no map run, every target not started, no results', async () => {
    const sources = fakeSources(manifest(7), []);
    const summary = await summarizeFleet(request('SKIPPED', 'STACK_IN_PROGRESS', { migrate: false }), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary).toMatchObject({ status: 'SKIPPED', reason: 'STACK_IN_PROGRESS', results: null, canary: { size: 2, passed: null } });
    expect(summary.counts).toEqual({ total: 7, succeeded: 0, failed: 0, skipped: 0, planned: 0, notStarted: 7 });
    expect(summary.message).toBe('Fleet tenants skipped by the stack gate (STACK_IN_PROGRESS): no target ran.');
  });

  test('an unreadable manifest: MANIFEST_INVALID with zero counts, not an error', async () => {
    const sources = fakeSources({ 'manifests/fleet/manifest.json': { not: 'an array' } }, []);
    const summary = await summarizeFleet(request('FAILED', 'MANIFEST_INVALID'), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(summary.counts.total).toBe(0);
  });

  test('10,000 targets, 600 failed with long messages: the list is truncated to fit 4 KB, never the counts', async () => {
    const n = 10_000;
    const failed = ids(n).filter((_, i) => i % 16 === 5).slice(0, 600).map((id) => failedRecord(id, 'TargetFailed', 'CHANGESET_FAILED', 'x'.repeat(5000)));
    const sources = fakeSources({ ...manifest(n), ...waveObjects('canary', 'c1', []), ...waveObjects('rest', 'r1', failed) }, [mapRun('Canary', 'c1'), mapRun('Rest', 'r1')]);
    const summary = await summarizeFleet(request('FAILED', 'TARGETS_FAILED'), CONFIG, sources, NOW);
    expectValidSummary(summary);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(summary.failures.length).toBeGreaterThan(5);
    expect(summary.failures.length + summary.failuresOmitted).toBe(600);
    expect(summary.counts).toEqual({ total: n, succeeded: n - 600, failed: 600, skipped: 0, planned: 0, notStarted: 0 });
    expect(summary.failures[0].message!.length).toBe(200);
  });
});

test('a trigger the gate could not parse: FAILED/INVALID_EVENT, a reason the schema lists', async () => {
  const sources = fakeSources(manifest(3), []);
  const summary = await summarizeFleet(request('FAILED', 'INVALID_EVENT', { migrate: false, trigger: null }), CONFIG, sources, NOW);
  expectValidSummary(summary);
  expect(summary.trigger).toBeNull();
  expect(summary.message).toBe('Fleet tenants FAILED (INVALID_EVENT): 0 of 3 targets migrated, 0 failed, 0 skipped, 3 not started.');
});
