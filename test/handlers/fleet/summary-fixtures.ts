import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../../contracts/fleet-summary.schema.json';
import type { ChildExecutionRecord, SummaryRequest, SummarySources } from '../../../handlers/lib/fleet/summary-types';

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Fails the test with Ajv's errors when `summary` does not match contracts/fleet-summary.schema.json. */
export function expectValidSummary(summary: unknown): void {
  const ok = validate(summary);
  expect(ok ? [] : validate.errors).toEqual([]);
}

export const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Saas-fleet-tenants:run-1';
export const mapRun = (label: 'Canary' | 'Rest', id: string) => `arn:aws:states:us-east-1:123456789012:mapRun:Saas-fleet-tenants/${label}:${id}`;
export const CONFIG = { manifestBucket: 'manifests', manifestKey: 'fleet/manifest.json', resultsBucket: 'results', resultsPrefix: 'fleet-results/tenants' };

export const ids = (n: number) => Array.from({ length: n }, (_, i) => `tenant-${String(i).padStart(3, '0')}`);

/** A MigrationResult's fields the item processor puts in a Fail state's Cause. */
function cause(status: string, reason: string, message: string): string {
  return JSON.stringify({ schemaVersion: 1, status, reason, message, target: { id: 'ignored', schema: null } });
}

/** A FAILED_n.json record exactly as the ResultWriter writes a failed child execution (Input and Cause are JSON strings). */
export function failedRecord(targetId: string, error: 'TargetFailed' | 'TargetSkipped' | 'TargetErrored', reason = 'CHANGESET_FAILED', message = 'changeset 3 failed'): ChildExecutionRecord {
  const input = JSON.stringify({ targetId, index: 0, ranBefore: 0, dryRun: false, runId: 'r', trigger: null, targetIds: null });
  if (error === 'TargetErrored') {
    return { Input: input, Status: 'FAILED', Error: error, Cause: JSON.stringify({ Error: 'Lambda.Unknown', Cause: 'Task timed out after 900.00 seconds' }) };
  }
  return { Input: input, Status: 'FAILED', Error: error, Cause: cause(error === 'TargetSkipped' ? 'SKIPPED' : 'FAILED', reason, message) };
}

/** Objects in S3 and map runs of one execution, answered from memory. */
export function fakeSources(objects: Record<string, unknown>, mapRuns: string[]): SummarySources & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async readJson(bucket, key) {
      reads.push(`${bucket}/${key}`);
      if (!(`${bucket}/${key}` in objects)) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
      return objects[`${bucket}/${key}`];
    },
    async listMapRuns(executionArn) {
      expect(executionArn).toBe(EXECUTION);
      return mapRuns;
    },
  };
}

/** The ResultWriter's manifest.json and result files of one wave. */
export function waveObjects(wave: 'canary' | 'rest', runId: string, failed: ChildExecutionRecord[], pending: ChildExecutionRecord[] = []) {
  const base = `results/fleet-results/tenants/${wave}/${runId}`;
  const objects: Record<string, unknown> = {
    [`${base}/manifest.json`]: {
      DestinationBucket: 'results',
      MapRunArn: mapRun(wave === 'canary' ? 'Canary' : 'Rest', runId),
      ResultFiles: {
        FAILED: failed.length ? [{ Key: `fleet-results/tenants/${wave}/${runId}/FAILED_0.json`, Size: 1 }] : [],
        PENDING: pending.length ? [{ Key: `fleet-results/tenants/${wave}/${runId}/PENDING_0.json`, Size: 1 }] : [],
        SUCCEEDED: [{ Key: `fleet-results/tenants/${wave}/${runId}/SUCCEEDED_0.json`, Size: 1 }],
      },
    },
  };
  if (failed.length) objects[`${base}/FAILED_0.json`] = failed;
  if (pending.length) objects[`${base}/PENDING_0.json`] = pending;
  return objects;
}

export function request(status: SummaryRequest['state']['verdict']['status'], reason: string | null, gate: Partial<NonNullable<SummaryRequest['state']['gate']>> = {}, canarySize = 2): SummaryRequest {
  return {
    fleet: 'tenants',
    executionArn: EXECUTION,
    startedAt: '2026-11-29T18:00:00.123+00:00',
    canarySize,
    tolerance: { count: 0, percentage: null },
    state: {
      gate: { migrate: true, dryRun: false, runId: 'r', trigger: { kind: 'stack-status-change', stackName: 'Saas', stackStatus: 'UPDATE_COMPLETE' }, targetIds: null, ...gate },
      verdict: { status, reason },
    },
  };
}
