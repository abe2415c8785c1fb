import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { startMoto } from '../../cli/support/moto';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface MotoSfn {
  readonly endpoint: string;
  readonly clients: ReturnType<typeof clients>;
  /** Queues answers for the next Lambda invocations, taken first in, first out, whichever function is invoked. */
  queueLambdaResults(results: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

function clients(endpoint: string) {
  const config = { endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sfn: new SFNClient(config),
    lambda: new LambdaClient(config),
    ssm: new SSMClient(config),
    events: new EventBridgeClient(config),
    sqs: new SQSClient(config),
  };
}

async function motoApi(endpoint: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`moto ${path}: HTTP ${response.status} ${await response.text()}`);
}

/**
 * A moto server of this test file's own, with its Step Functions interpreter on (its engine is LocalStack's ASL
 * interpreter) and Lambda answering from queued responses instead of running code (`lambda.use_docker: false`).
 */
export async function startMotoSfn(): Promise<MotoSfn> {
  const moto = await startMoto(join(__dirname, 'moto_sfn_server.py'));
  const { endpoint } = moto;
  await motoApi(endpoint, '/moto-api/config', { stepfunctions: { execute_state_machine: true }, lambda: { use_docker: false } });
  return {
    endpoint,
    clients: clients(endpoint),
    queueLambdaResults: (results) =>
      motoApi(endpoint, '/moto-api/static/lambda-simple/response', {
        account_id: ACCOUNT,
        region: REGION,
        results: results.map((r) => JSON.stringify(r)),
      }),
    stop: () => moto.stop(),
  };
}

/** A deployable-looking zip for moto's CreateFunction; its code never runs (the responses are queued). */
export const PLACEHOLDER_ZIP = Buffer.from(
  'UEsDBBQAAAAAAPuUfV0LkENCHgAAAB4AAAAIAAAAaW5kZXguanNleHBvcnRzLmhhbmRsZXI9YXN5bmMoKT0+KHt9KTtQSwECFAMUAAAAAAD7lH1dC5BDQh4AAAAeAAAACAAAAAAAAAAAAAAAgAEAAAAAaW5kZXguanNQSwUGAAAAAAEAAQA2AAAARAAAAAAA',
  'base64',
);
