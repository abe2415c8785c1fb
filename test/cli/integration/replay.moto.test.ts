import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeReplayCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto, type Moto } from '../support/moto';
import { createMotoWorld, MOTO_REGION, type MotoWorld, writeResults } from '../support/moto-world';
import { expectValidResult, sampleResult } from '../support/results';
import { awsEnvFor, recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';

// The replay rule delivers to a queue here, standing in for the runner: the test reads the request the CLI
// published, and writes the result the runner would, to exercise --wait end to end.
const TRANSCRIPT = 'replay.txt';
let moto: Moto;
let world: MotoWorld;
let env: Record<string, string>;
let sqs: SQSClient;

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function run(...args: string[]): Promise<SpawnedRun> {
  const result = await spawnCli(args, env);
  recordTranscript(TRANSCRIPT, args, result);
  return result;
}

interface DeliveredEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: { stackName: string; dryRun: boolean; reason: string | null };
}

/** The next replay request the rule delivered, as the runner would receive it. */
async function nextDelivered(timeoutMs = 30_000): Promise<DeliveredEvent> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: world.outputs.ReplayInboxUrl, WaitTimeSeconds: 1 }));
    const message = Messages?.[0];
    if (message?.Body) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: world.outputs.ReplayInboxUrl, ReceiptHandle: message.ReceiptHandle }));
      return JSON.parse(message.Body) as DeliveredEvent;
    }
  }
  throw new Error('no replay request was delivered');
}

beforeAll(async () => {
  resetTranscript(TRANSCRIPT);
  moto = await startMoto();
  env = awsEnvFor(moto.endpoint);
  world = await createMotoWorld(moto.endpoint, { replayTarget: 'queue' });
  sqs = new SQSClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials, useQueueUrlAsEndpoint: false });
  await writeResults(moto.endpoint, world.parameterName, [sampleResult({ trigger: { stackName: world.watchedStack } })]);
}, 600_000);

afterAll(async () => {
  sqs?.destroy();
  await moto?.stop();
});

describe('replay against moto', () => {
  test('publishes the request on the migrator bus, where the replay rule picks it up', async () => {
    const replay = await run('replay', '--stack', world.watchedStack, '--reason', 're-run after hotfix');

    expect(replay.code).toBe(0);
    const delivered = await nextDelivered();
    expect(delivered).toMatchObject({
      source: 'db-migrator.replay',
      'detail-type': 'Migration Replay Requested',
      detail: { stackName: world.watchedStack, dryRun: false, reason: 're-run after hotfix' },
    });
    expect(replay.stdout).toContain(`Replay requested for ${world.watchedStack} (now CREATE_COMPLETE): event ${delivered.id} on bus ${world.busName}`);
  });

  test('--dry-run --json: one JSON line, and the request carries dryRun', async () => {
    const replay = await run('replay', '--stack', world.watchedStack, '--dry-run', '--json');

    expect(replay.code).toBe(0);
    const lines = replay.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const { replayRequested } = JSON.parse(lines[0]) as { replayRequested: { eventId: string; dryRun: boolean; stackId: string } };
    expect(replayRequested.dryRun).toBe(true);
    expect(replayRequested.stackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:123456789012:stack/${world.watchedStack}/`));
    const delivered = await nextDelivered();
    expect(delivered.id).toBe(replayRequested.eventId);
    expect(delivered.detail.dryRun).toBe(true);
  });

  test('--wait prints the result the runner wrote for this request', async () => {
    const args = ['replay', '--stack', world.watchedStack, '--wait', '--poll', '0.5', '--timeout', '60'];
    const waiting = spawnCli(args, env);
    const delivered = await nextDelivered();
    // What the runner does on this event: run, then write its result with the event's id.
    const result = sampleResult({
      message: 'the database is up to date',
      applied: { count: 0, changesets: [], truncated: false },
      durationMs: 912,
      trigger: {
        type: 'REPLAY',
        eventId: delivered.id,
        stackId: null,
        stackName: delivered.detail.stackName,
        stackStatus: 'CREATE_COMPLETE',
        reason: delivered.detail.reason,
      },
    });
    await writeResults(moto.endpoint, world.parameterName, [result]);

    const replay = await waiting;
    recordTranscript(TRANSCRIPT, args, replay);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('status:    SUCCEEDED: the database is up to date');
    expect(replay.stdout).toContain(`(run ${result.runId})`);
    expect(replay.stdout).toContain(`SSM ${world.parameterName} (version 2)`);
  });

  test('--wait --json: the request, then the validated result', async () => {
    const args = ['replay', '--stack', world.watchedStack, '--wait', '--poll', '0.5', '--json'];
    const waiting = spawnCli(args, env);
    const delivered = await nextDelivered();
    await writeResults(moto.endpoint, world.parameterName, [
      sampleResult({ status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'another run holds the lock', trigger: { type: 'REPLAY', eventId: 'someone-else' } }),
      sampleResult({ status: 'FAILED', reason: 'CONNECTION_FAILED', message: 'the database did not answer in 120 s', trigger: { type: 'REPLAY', eventId: delivered.id } }),
    ]);

    const replay = await waiting;
    recordTranscript(TRANSCRIPT, args, replay);
    expect(replay.code).toBe(1);
    const [request, result] = replay.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(request).toMatchObject({ replayRequested: { eventId: delivered.id } });
    expect(expectValidResult(result)).toMatchObject({ status: 'FAILED', reason: 'CONNECTION_FAILED' });
    expect(replay.stderr).toContain("is another run's result (REPLAY, SKIPPED); still waiting");
  });

  test('--wait gives up after --timeout when no result comes', async () => {
    const replay = await run('replay', '--stack', world.watchedStack, '--wait', '--timeout', '2', '--poll', '0.5');
    await nextDelivered();
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain(`error: no result after 2 s: parameter ${world.parameterName} is still at version 4`);
  });

  test('a stack the migrator does not watch is refused (exit 2), and nothing is published', async () => {
    const replay = await run('replay', '--stack', world.migratorStack);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain(`stack ${world.migratorStack} is not watched by this migrator (watched: ${world.watchedStack}, LegacyStack)`);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: world.outputs.ReplayInboxUrl, WaitTimeSeconds: 1 }));
    expect(Messages ?? []).toHaveLength(0);
  });

  test('a migrator stack that does not exist points at --migrator-stack', async () => {
    expect(world.migratorStack).toBe('db-migrator');
    const replay = await run('replay', '--stack', world.watchedStack, '--migrator-stack', 'db-migrator-staging');
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('stack db-migrator-staging does not exist in us-east-1. Check the name (--migrator-stack;');
  });

  test('a watched stack that was deleted is reported with the region (exit 1)', async () => {
    const replay = await run('replay', '--stack', 'LegacyStack');
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('error: stack LegacyStack does not exist in us-east-1: check --stack and --region');
  });

  test('--from-archive starts an archive replay to the main rule', async () => {
    const replay = await run('replay', '--stack', world.watchedStack, '--from-archive', '--since', '2h');

    expect(replay.code).toBe(0);
    const name = /Archive replay (\S+) /.exec(replay.stdout)?.[1] as string;
    expect(name).toMatch(new RegExp(`^db-migrator-${world.watchedStack}-\\d{8}T\\d{6}Z$`));
    const events = new EventBridgeClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials });
    const described = await events.send(new DescribeReplayCommand({ ReplayName: name }));
    events.destroy();
    expect(described.EventSourceArn).toBe(`arn:aws:events:us-east-1:123456789012:archive/${world.archiveName}`);
    expect(described.Destination).toEqual({
      Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
      FilterArns: [world.outputs.MainRuleArn],
    });
  });

  test('--from-archive on a migrator without the ArchiveName output says so', async () => {
    const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials, maxAttempts: 1 });
    const outputs = Object.fromEntries(
      ['ResultParameterName', 'RunnerFunctionName', 'EventBusName', 'AlertTopicArn', 'DeadLetterQueueUrl'].map((key) => [
        key,
        { Value: world.outputs[key] },
      ]),
    );
    await cfn.send(
      new CreateStackCommand({
        StackName: 'db-migrator-v1',
        TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } }, Outputs: outputs }),
      }),
    );
    cfn.destroy();

    const replay = await run('replay', '--stack', world.watchedStack, '--migrator-stack', 'db-migrator-v1', '--from-archive', '--since', '1d');
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('stack db-migrator-v1 has no output ArchiveName');
    expect(replay.stderr).toContain('the deployed migrator predates it');
  });
});
