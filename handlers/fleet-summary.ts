import { ListMapRunsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { summarizeFleet } from './lib/fleet/fleet-summary';
import type { FleetSummary, SummaryConfig, SummaryRequest, SummarySources } from './lib/fleet/summary-types';

// Created once per execution environment so warm invocations reuse their connections.
const s3 = new S3Client({});
const sfn = new SFNClient({});

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const sources: SummarySources = {
  async readJson(bucket, key) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString('utf8'));
  },
  async listMapRuns(executionArn) {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListMapRunsCommand({ executionArn, nextToken }));
      arns.push(...(page.mapRuns ?? []).map((run) => run.mapRunArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  },
};

/** The fleet's Summarize step: counts and lists what the waves did; the verdict arrives decided. */
export async function handler(request: SummaryRequest): Promise<FleetSummary> {
  const config: SummaryConfig = {
    manifestBucket: required('FLEET_MANIFEST_BUCKET'),
    manifestKey: required('FLEET_MANIFEST_KEY'),
    resultsBucket: required('FLEET_RESULTS_BUCKET'),
    resultsPrefix: required('FLEET_RESULTS_PREFIX'),
  };
  return summarizeFleet(request, config, sources);
}
