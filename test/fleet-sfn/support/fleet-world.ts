import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListMapRunsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { SummarySources } from '../../../handlers/lib/fleet/summary-types';
import { joinTokens, type SynthesizedFleet } from '../../infra/fleet/support';
import { ACCOUNT, type MotoSfn, PLACEHOLDER_ZIP, REGION } from './moto-sfn';

export const BUS = 'db-migrator';
export const MANIFEST_BUCKET = 'fleet-manifest';
export const RESULTS_BUCKET = 'fleet-results';
export const FUNCTIONS = { gate: 'fleet-gate', target: 'fleet-target', summary: 'fleet-summary' } as const;
const lambdaArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** The buckets, bus, functions and an event inbox the synthesized definition refers to, created once in moto. */
export async function createWorld(moto: MotoSfn): Promise<{ roleArn: string; inboxUrl: string }> {
  const { s3, lambda, events, sqs } = moto.clients;
  const iam = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    // No IAM client in the project: a query-API call, with the credential scope moto routes by.
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'fleet', AssumeRolePolicyDocument: '{}' }),
  });
  if (!iam.ok) throw new Error(`CreateRole: ${iam.status}`);
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/fleet`;
  for (const bucket of [MANIFEST_BUCKET, RESULTS_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const name of Object.values(FUNCTIONS)) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: PLACEHOLDER_ZIP } }));
  }
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'fleet-events' }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
  await events.send(new PutRuleCommand({ Name: 'fleet-completions', EventBusName: BUS, EventPattern: JSON.stringify({ source: ['db-migrator'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'fleet-completions', EventBusName: BUS, Targets: [{ Id: 'inbox', Arn: queueArn }] }));
  return { roleArn, inboxUrl: queue.QueueUrl! };
}

/** The definition from the synthesized template, its tokens resolved to the moto world's names. */
export function motoDefinition(s: SynthesizedFleet): any {
  const machines = Object.values<any>(s.template.findResources('AWS::StepFunctions::StateMachine'));
  const names: Record<string, string> = {
    [`${s.id(s.fleet.gateFunction)}.Arn`]: lambdaArn(FUNCTIONS.gate),
    [`${s.id(s.fleet.targetFunction)}.Arn`]: lambdaArn(FUNCTIONS.target),
    [`${s.id(s.fleet.summaryFunction)}.Arn`]: lambdaArn(FUNCTIONS.summary),
    [s.id(s.fleet.manifestBucket as any)]: MANIFEST_BUCKET,
    [s.id(s.fleet.resultsBucket)]: RESULTS_BUCKET,
    [s.id(s.fleet.eventBus as any)]: BUS,
  };
  const text = joinTokens(machines[0].Properties.DefinitionString, (token: any) => {
    const key = token.Ref ?? `${token['Fn::GetAtt'][0]}.${token['Fn::GetAtt'][1]}`;
    if (!(key in names)) throw new Error(`no moto name for ${key}`);
    return names[key];
  });
  return JSON.parse(text);
}

/**
 * MOTO REWRITE 1 (unavoidable): moto's aws-sdk integration passes the ASL parameter names to boto3 as they are,
 * and boto3 names the Step Functions API's members in camelCase (`mapRunArn`, `itemCounts.failed`) where AWS's
 * aws-sdk integration takes and returns PascalCase (`MapRunArn`, `ItemCounts.Failed`). Only the describeMapRun
 * tasks are rewritten, to boto3's spelling.
 */
export function rewriteDescribeMapRunForMoto(definition: any): void {
  for (const state of Object.values<any>(definition.States)) {
    if (state.Resource !== 'arn:aws:states:::aws-sdk:sfn:describeMapRun') continue;
    state.Parameters = { 'mapRunArn.$': state.Parameters['MapRunArn.$'] };
    for (const [key, value] of Object.entries<string>(state.ResultSelector)) {
      state.ResultSelector[key] = value.replace(/ItemCounts\.(\w)(\w*)/g, (_m, first: string, rest: string) => `itemCounts.${first.toLowerCase()}${rest}`);
    }
  }
}

export async function writeManifest(moto: MotoSfn, ids: string[]): Promise<void> {
  const manifest = ids.map((id) => ({ id, secretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:tenants/${id}-AbCdEf`, databaseName: 'saas', schema: id.replace(/-/g, '_') }));
  await moto.clients.s3.send(new PutObjectCommand({ Bucket: MANIFEST_BUCKET, Key: 'fleet/manifest.json', Body: JSON.stringify(manifest) }));
}

export interface FleetRun {
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly output: any;
  readonly history: HistoryEvent[];
  /** The Summarize task's payload: the verdict the definition decided, and the state it had. */
  readonly summaryInput: any;
  /** Map runs by label, with moto's item counts. */
  readonly mapRuns: Record<string, { arn: string; itemCounts: Record<string, number> }>;
  readonly enteredStates: string[];
}

export async function runExecution(moto: MotoSfn, roleArn: string, name: string, definition: any, input: unknown): Promise<FleetRun> {
  const { sfn } = moto.clients;
  const machine = await sfn.send(new CreateStateMachineCommand({ name, roleArn, definition: JSON.stringify(definition) }));
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: `${name}-run`, input: JSON.stringify(input) }));
  const deadline = Date.now() + 240_000;
  let description;
  for (;;) {
    description = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    if (description.status !== 'RUNNING') break;
    if (Date.now() > deadline) throw new Error(`${name} still RUNNING after 240 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const history = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 1000 }))).events ?? [];
  const scheduled = history.filter((e) => e.type === 'TaskScheduled').map((e) => JSON.parse(e.taskScheduledEventDetails!.parameters!));
  const summary = scheduled.find((p) => p.FunctionName === lambdaArn(FUNCTIONS.summary));
  const mapRuns: FleetRun['mapRuns'] = {};
  for (const run of (await sfn.send(new ListMapRunsCommand({ executionArn: started.executionArn }))).mapRuns ?? []) {
    const label = /\/(\w+):[^:]+$/.exec(run.mapRunArn!)![1];
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
    mapRuns[label] = { arn: run.mapRunArn!, itemCounts: described.itemCounts as unknown as Record<string, number> };
  }
  const enteredStates = history.flatMap((e) => (e.type?.endsWith('StateEntered') ? [e.stateEnteredEventDetails!.name!] : []));
  return {
    status: description.status!,
    error: description.error,
    cause: description.cause,
    output: description.output ? JSON.parse(description.output) : undefined,
    history,
    summaryInput: summary?.Payload,
    mapRuns,
    enteredStates,
  };
}

export async function readParameter(moto: MotoSfn, name: string): Promise<any> {
  return JSON.parse((await moto.clients.ssm.send(new GetParameterCommand({ Name: name }))).Parameter!.Value!);
}

/** The completion events the state machine put on the bus, as the inbox rule delivered them. */
export async function receiveEvents(moto: MotoSfn, inboxUrl: string): Promise<any[]> {
  const messages = await moto.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: inboxUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const events = (messages.Messages ?? []).map((m) => JSON.parse(m.Body!));
  for (const m of messages.Messages ?? []) {
    await moto.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: inboxUrl, ReceiptHandle: m.ReceiptHandle }));
  }
  return events;
}

export function triggerEvent(): unknown {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'cloudformation-events', 'stack-update-complete.captured.json'), 'utf8'));
}

/** SummarySources on moto: the summary handler's own reads, against the same S3 and Step Functions. */
export function motoSources(moto: MotoSfn): SummarySources {
  return {
    async readJson(bucket, key) {
      const object = await moto.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse(await object.Body!.transformToString('utf8'));
    },
    async listMapRuns(executionArn) {
      const runs = await moto.clients.sfn.send(new ListMapRunsCommand({ executionArn }));
      return (runs.mapRuns ?? []).map((r) => r.mapRunArn!);
    },
  };
}

export async function resultKeys(moto: MotoSfn): Promise<string[]> {
  const listed = await moto.clients.s3.send(new ListObjectsV2Command({ Bucket: RESULTS_BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}
