import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto, type Moto } from '../support/moto';
import { createMotoWorld, MOTO_REGION, type MotoWorld, writeResults } from '../support/moto-world';
import { expectValidResult, failedResult, sampleResult } from '../support/results';
import { awsEnvFor, recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';

// Real SDK clients in a real CLI process, against moto on loopback: the calls, pagination and error shapes
// of the AWS APIs, which the unit tests only imitate.
const TRANSCRIPT = 'status-history-doctor.txt';
let moto: Moto;
let world: MotoWorld;
let env: Record<string, string>;

async function run(...args: string[]): Promise<SpawnedRun> {
  const result = await spawnCli(args, env);
  recordTranscript(TRANSCRIPT, args, result);
  return result;
}

const history = [
  sampleResult({
    status: 'SUCCEEDED',
    message: 'applied 2 changesets',
    finishedAt: '2025-06-01T09:00:04.210Z',
    durationMs: 4210,
    trigger: { type: 'CLOUDFORMATION', stackName: 'AppStack', stackStatus: 'CREATE_COMPLETE' },
  }),
  failedResult({ finishedAt: '2025-06-02T10:15:03.412Z', durationMs: 2380, trigger: { stackName: 'AppStack' } }),
  sampleResult({
    message: 'applied 1 changeset',
    finishedAt: '2025-06-02T11:02:09.007Z',
    durationMs: 1807,
    applied: { count: 1, changesets: ['changes/002-users.yaml::002-users::db-migrator'], truncated: false },
    trigger: { type: 'REPLAY', stackName: 'AppStack', stackId: null, stackStatus: null, reason: 'after fixing 002-users' },
  }),
];

beforeAll(async () => {
  resetTranscript(TRANSCRIPT);
  moto = await startMoto();
  env = awsEnvFor(moto.endpoint);
  world = await createMotoWorld(moto.endpoint, { replayTarget: 'runner' });
}, 600_000);

afterAll(async () => {
  await moto?.stop();
});

describe('against moto: before any run', () => {
  test('status says no run is recorded yet (exit 1), history is empty (exit 0)', async () => {
    const status = await run('status');
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`no run recorded yet: parameter ${world.parameterName} does not exist`);

    const empty = await run('history');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('no runs recorded yet');
  });

  test('doctor passes on the stack, runner, secret, rules, network, queue; no result yet is fine', async () => {
    const doctor = await run('doctor');
    expect(doctor.stderr).toBe('');
    expect(doctor.stdout).toContain('7 passed, 0 failed');
    expect(doctor.code).toBe(0);
  });
});

describe('against moto: with a history of runs', () => {
  beforeAll(async () => {
    await writeResults(moto.endpoint, world.parameterName, history);
  });

  test('status prints the last run', async () => {
    expect(world.migratorStack).toBe('db-migrator');
    const status = await run('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Last run recorded by ${world.migratorStack} (${MOTO_REGION})`);
    expect(status.stdout).toContain('status:    SUCCEEDED: applied 1 changeset');
    expect(status.stdout).toContain('reason given: after fixing 002-users');
    expect(status.stdout).toContain(`SSM ${world.parameterName} (version 3, written `);
  });

  test('status --json prints the stored result, unchanged and valid', async () => {
    const status = await run('status', '--json');
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
    expect(expectValidResult(JSON.parse(status.stdout))).toEqual(history[2]);
  });

  test('history prints one run a line, newest first', async () => {
    const table = await run('history');
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows.slice(1).map((r) => r.trim().split(/\s+/).slice(0, 4))).toEqual([
      ['3', '2025-06-02', '11:02:09', 'SUCCEEDED'],
      ['2', '2025-06-02', '10:15:03', 'FAILED'],
      ['1', '2025-06-01', '09:00:04', 'SUCCEEDED'],
    ]);
  });

  test('history --limit and --json', async () => {
    const json = await run('history', '--limit', '2', '--json');
    expect(json.code).toBe(0);
    const lines = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { version: number; result: unknown });
    expect(lines.map((l) => l.version)).toEqual([3, 2]);
    lines.forEach((l) => expectValidResult(l.result));
  });

  test('a stack that does not exist', async () => {
    const missing = await run('status', '--stack', 'no-such-migrator');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('stack no-such-migrator does not exist in us-east-1');
  });

  test('a stack that is not the migrator', async () => {
    const wrong = await run('status', '--stack', world.watchedStack);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`stack ${world.watchedStack} has no output ResultParameterName (it has no outputs). Is it the migrator stack?`);
  });

  test('doctor fails on a message in the dead-letter queue, with the fix', async () => {
    const sqs = new SQSClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: world.outputs.DeadLetterQueueUrl, MessageBody: '{"requestContext":{"condition":"RetriesExhausted"}}' }));
    sqs.destroy();

    const doctor = await run('doctor', '--stack', world.migratorStack);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL {2}dead-letter queue {2}1 message\(s\) waiting/);
    expect(doctor.stdout).toContain(`fix: read them with \`aws sqs receive-message --queue-url ${world.outputs.DeadLetterQueueUrl}`);
    expect(doctor.stdout).toContain('6 passed, 1 failed');
  });
});

describe('against moto: a malformed value on top', () => {
  beforeAll(async () => {
    await writeResults(moto.endpoint, world.parameterName, ['{"status":"SUCCEEDED","note":"written by hand"}']);
  });

  test('status refuses to misread it, and says what is wrong (exit 1)', async () => {
    const status = await run('status', '--stack', world.migratorStack);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`version 4 of parameter ${world.parameterName} is not a valid MigrationResult`);
  });

  test('history marks it MALFORMED and still lists the others', async () => {
    const table = await run('history', '--stack', world.migratorStack);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\n +4 .* MALFORMED /);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(table.stderr).toContain('warning: version(s) 4');
  });

  test('doctor fails the result-parameter check', async () => {
    const doctor = await run('doctor', '--stack', world.migratorStack, '--json');
    const checks = doctor.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { name: string; status: string });
    expect(checks.find((c) => c.name === 'result parameter')?.status).toBe('fail');
    expect(doctor.code).toBe(1);
  });
});
