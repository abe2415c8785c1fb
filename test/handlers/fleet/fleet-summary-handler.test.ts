import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListMapRunsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../handlers/fleet-summary';
import { EXECUTION, expectValidSummary, failedRecord, ids, mapRun, request, waveObjects } from './summary-fixtures';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ENV = {
  FLEET_MANIFEST_BUCKET: 'manifests',
  FLEET_MANIFEST_KEY: 'fleet/manifest.json',
  FLEET_RESULTS_BUCKET: 'results',
  FLEET_RESULTS_PREFIX: 'fleet-results/tenants',
};

function body(value: unknown) {
  return { Body: { transformToString: async () => JSON.stringify(value) } } as any;
}

beforeEach(() => {
  s3.reset();
  sfn.reset();
  Object.assign(process.env, ENV);
});

test('reads the manifest and every page of map runs through the SDK, and returns a schema-valid summary', async () => {
  const objects: Record<string, unknown> = {
    'manifests/fleet/manifest.json': ids(4).map((id) => ({ id, secretArn: 'arn:s', databaseName: 'app' })),
    ...waveObjects('canary', 'c1', []),
    ...waveObjects('rest', 'r1', [failedRecord('tenant-003', 'TargetFailed')]),
  };
  s3.on(GetObjectCommand).callsFake((input) => {
    const value = objects[`${input.Bucket}/${input.Key}`];
    if (value === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return body(value);
  });
  sfn
    .on(ListMapRunsCommand, { executionArn: EXECUTION, nextToken: undefined })
    .resolves({ mapRuns: [{ mapRunArn: mapRun('Canary', 'c1') } as any], nextToken: 'page-2' })
    .on(ListMapRunsCommand, { executionArn: EXECUTION, nextToken: 'page-2' })
    .resolves({ mapRuns: [{ mapRunArn: mapRun('Rest', 'r1') } as any] });
  const summary = await handler(request('FAILED', 'TARGETS_FAILED'));
  expectValidSummary(summary);
  expect(summary.counts).toEqual({ total: 4, succeeded: 3, failed: 1, skipped: 0, planned: 0, notStarted: 0 });
  expect(sfn.commandCalls(ListMapRunsCommand)).toHaveLength(2);
});

test('a missing setting is an error naming the variable, before any AWS call', async () => {
  delete process.env.FLEET_RESULTS_PREFIX;
  await expect(handler(request('SUCCEEDED', null))).rejects.toThrow('environment variable FLEET_RESULTS_PREFIX is not set');
  expect(s3.calls()).toHaveLength(0);
});
