import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import type { RunnerInvocation } from '../../../cli/local/runner-process';
import { accessDenied, awsError, SECRET_ARN } from '../support/aws-fakes';
import { expectValidResult, failedResult, sampleResult } from '../support/results';
import { cli, jsonLines } from '../support/run-cli';

// The Java runner is exercised by the end-to-end test; here it is replaced to see exactly what the CLI hands it.
const invocations: RunnerInvocation[] = [];
let runnerAnswer: { exitCode: number; resultLine: string | undefined; log?: string[] } = { exitCode: 0, resultLine: undefined };

jest.mock('../../../cli/local/runner-process', () => ({
  ...jest.requireActual('../../../cli/local/runner-process'),
  ensureRunnerBuilt: jest.fn(),
  runLocalRunner: jest.fn(async (invocation: RunnerInvocation) => {
    invocations.push(invocation);
    (runnerAnswer.log ?? []).forEach(invocation.onStderrLine);
    return { exitCode: runnerAnswer.exitCode, resultLine: runnerAnswer.resultLine };
  }),
}));

const secrets = mockClient(SecretsManagerClient);
const PASSWORD = 's3cr3t-Pa55';
const changelog = join(__dirname, '..', '..', '..', 'changelog');

const localResult = (overrides = {}) =>
  sampleResult({
    trigger: { type: 'LOCAL', eventId: null, stackId: null, stackName: null, stackStatus: null, time: '2025-06-02T12:00:00.000Z' },
    database: { host: 'db.example.internal', port: 6543, name: 'app' },
    ...overrides,
  });

beforeEach(() => {
  secrets.reset();
  invocations.length = 0;
  runnerAnswer = { exitCode: 0, resultLine: JSON.stringify(localResult()) };
});

describe('local', () => {
  test('--database-url: the credentials reach the runner in the secret JSON, with a LOCAL trigger', async () => {
    const run = await cli(['local', '--database-url', `postgres://app:${PASSWORD}@db.example.internal:6543/app?sslmode=require`]);

    expect(run.code).toBe(0);
    expect(invocations).toHaveLength(1);
    const [invocation] = invocations;
    expect(JSON.parse(invocation.secretJson)).toEqual({ host: 'db.example.internal', port: 6543, username: 'app', password: PASSWORD, dbname: 'app' });
    expect(invocation.trigger).toEqual({ kind: 'local', dryRun: false });
    expect(invocation.sslMode).toBe('require');
    expect(invocation.changelogDir).toBe(changelog);
    expect(run.stdout).toContain('status:    SUCCEEDED');
    expect(run.stdout).toContain('trigger:   LOCAL at 2025-06-02T12:00:00.000Z');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  test('PGUSER and PGPASSWORD fill in what the URL leaves out', async () => {
    await cli(['local', '--database-url', 'postgresql://db:5432/app'], { env: { PGUSER: 'u', PGPASSWORD: 'p' } });
    expect(JSON.parse(invocations[0].secretJson)).toMatchObject({ username: 'u', password: 'p', host: 'db', port: 5432 });
    expect(invocations[0].sslMode).toBe('prefer');
  });

  test('--dry-run asks for a plan and prints the SQL preview', async () => {
    runnerAnswer.resultLine = JSON.stringify({
      ...localResult({ status: 'SKIPPED', reason: 'NOT_A_TRIGGER', message: 'planned' }),
      sqlPreview: 'CREATE TABLE demo.users (id BIGINT);',
    });

    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--dry-run']);

    expect(invocations[0].trigger).toEqual({ kind: 'local', dryRun: true });
    expect(run.stdout).toContain('SQL preview (nothing was applied):\nCREATE TABLE demo.users (id BIGINT);');
  });

  test('the changelog selection reaches the runner as flags, set before it parses the changelog', async () => {
    const run = await cli([
      'local', '--database-url', 'postgres://u:p@h/d',
      '--changelog-file', 'db.changelog-master.yaml', '--contexts', 'postgresql,!test', '--labels', 'v2',
      '--parameter', 'table_prefix=app_', '--parameter', 'app.schema=billing', '--parameter', 'expr=a=b',
    ]);

    expect(run.code).toBe(0);
    expect(invocations[0].selection).toEqual({
      changelogFile: 'db.changelog-master.yaml',
      contexts: 'postgresql,!test',
      labels: 'v2',
      parameters: { table_prefix: 'app_', 'app.schema': 'billing', expr: 'a=b' },
    });
  });

  test('--lock-timeout, --statement-timeout and --lock-retry-budget reach the runner; 0 turns a timeout off', async () => {
    const run = await cli([
      'local', '--database-url', 'postgres://u:p@h/d',
      '--lock-timeout', '0.5', '--statement-timeout', '0', '--lock-retry-budget', '30',
    ]);

    expect(run.code).toBe(0);
    expect(invocations[0].locks).toEqual({ lockTimeoutSeconds: 0.5, statementTimeoutSeconds: 0, lockRetryBudgetSeconds: 30 });
  });

  test('without lock flags the runner keeps its own defaults', async () => {
    await cli(['local', '--database-url', 'postgres://u:p@h/d']);
    expect(invocations[0].locks).toEqual({ lockTimeoutSeconds: undefined, statementTimeoutSeconds: undefined, lockRetryBudgetSeconds: undefined });
  });

  test('a negative or non-numeric --lock-timeout is a usage error, and nothing runs', async () => {
    const negative = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--lock-timeout', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('expected a number of seconds, 0 or more');
    const words = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--lock-retry-budget', 'soon']);
    expect(words.code).toBe(2);
    expect(invocations).toHaveLength(0);
  });

  test('a LOCK_CONTENDED result shows its retries and the blocking session', async () => {
    runnerAnswer = {
      exitCode: 1,
      resultLine: JSON.stringify(failedResult({
        reason: 'LOCK_CONTENDED',
        message: 'changeset c.yaml::1::me waited longer than lock_timeout (5 s) for a lock on 4 attempt(s)',
        failedChangeset: 'c.yaml::1::me',
        lockRetries: 3,
        blockedBy: [{ pid: 4242, applicationName: 'orders-api', state: 'idle in transaction', transactionAgeMs: 14_200 }],
      })),
    };

    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('status:    FAILED (LOCK_CONTENDED)');
    expect(run.stdout).toContain('locks:     retried 3 time(s) after a lock timeout');
    expect(run.stdout).toContain('blocker:   pid 4242, application_name orders-api, state idle in transaction, transaction open 14.2 s');
  });

  test('the fast path is on by default; --no-fast-path turns it off for this run', async () => {
    await cli(['local', '--database-url', 'postgres://u:p@h/d']);
    await cli(['local', '--database-url', 'postgres://u:p@h/d', '--no-fast-path']);

    expect(invocations[0].fastPath).toBe(true);
    expect(invocations[1].fastPath).toBe(false);
  });

  test('--mark-applied asks for changelog-sync, up to a changeset with --to-changeset', async () => {
    await cli(['local', '--database-url', 'postgres://u:p@h/d', '--mark-applied', '--to-changeset', 'changes/001.yaml::1::me', '--dry-run']);
    expect(invocations[0].trigger).toEqual({ kind: 'local', dryRun: true, markApplied: { upTo: 'changes/001.yaml::1::me' } });
  });

  test('a malformed --parameter, --to-changeset alone, or a missing --changelog-file are usage errors', async () => {
    const malformed = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--parameter', 'novalue']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('expected NAME=VALUE, not "novalue"');
    const alone = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--to-changeset', 'a::b::c']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--to-changeset goes with --mark-applied');
    const missing = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--changelog-file', 'db/missing.xml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('has no db/missing.xml');
    expect(invocations).toHaveLength(0);
  });

  test('--json prints exactly the runner\'s result on stdout; the runner\'s log goes to stderr', async () => {
    runnerAnswer.log = ['INFO liquibase: update', 'completion event {...}'];

    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d', '--json']);

    expect(run.code).toBe(0);
    const lines = jsonLines(run);
    expect(lines).toHaveLength(1);
    expectValidResult(lines[0]);
    expect(run.stderr).toContain('INFO liquibase: update');
  });

  test('a FAILED run exits 1 and shows the runner\'s log, held back otherwise', async () => {
    runnerAnswer = { exitCode: 1, resultLine: JSON.stringify(failedResult()), log: ['ERROR: relation "users" already exists'] };

    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERROR: relation "users" already exists');
    expect(run.stdout).toContain('status:    FAILED (CHANGESET_FAILED)');
  });

  test('a runner that prints no result exits 1 with its log', async () => {
    runnerAnswer = { exitCode: 1, resultLine: undefined, log: ['Exception in thread "main"'] };
    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Exception in thread "main"');
    expect(run.stderr).toContain('the runner printed no result (exit 1)');
  });

  test('a runner that refuses its arguments (an older build) says to rebuild, exit 2', async () => {
    runnerAnswer = { exitCode: 2, resultLine: undefined };
    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('npm run build:runner');
  });

  test('a malformed result from the runner is flagged on stderr but still reported', async () => {
    runnerAnswer.resultLine = JSON.stringify({ ...localResult(), extra: true });
    const run = await cli(['local', '--database-url', 'postgres://u:p@h/d']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: the runner's result does not match contracts/migration-result.schema.json: (root) must NOT have additional properties");
  });

  describe('--secret-id', () => {
    test('takes the five keys from Secrets Manager and nothing else', async () => {
      secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
        SecretString: JSON.stringify({ host: 'h', port: '5432', username: 'u', password: PASSWORD, dbname: 'd', engine: 'postgres' }),
      });

      const run = await cli(['local', '--secret-id', SECRET_ARN]);

      expect(run.code).toBe(0);
      expect(JSON.parse(invocations[0].secretJson)).toEqual({ host: 'h', port: 5432, username: 'u', password: PASSWORD, dbname: 'd' });
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    });

    test('AccessDenied names the permission and runs nothing', async () => {
      secrets.on(GetSecretValueCommand).rejects(accessDenied('secretsmanager:GetSecretValue'));

      const run = await cli(['local', '--secret-id', SECRET_ARN]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`may not call secretsmanager:GetSecretValue on secret ${SECRET_ARN}`);
      expect(invocations).toHaveLength(0);
    });

    test('a missing secret names the region', async () => {
      secrets.on(GetSecretValueCommand).rejects(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."));
      const run = await cli(['local', '--secret-id', 'nope']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('secret nope does not exist in us-east-1');
    });

    test('a secret without the keys is refused without echoing it', async () => {
      secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: PASSWORD, host: 'h' }) });
      const run = await cli(['local', '--secret-id', SECRET_ARN]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('missing "port", missing "username", missing "dbname"');
      expect(run.stderr).not.toContain(PASSWORD);
    });
  });

  test.each([
    [['--database-url', 'postgres://u:p@h/d', '--secret-id', 'x'], 'either --database-url or --secret-id'],
    [['--database-url', 'mysql://u@h/d'], 'must start with postgres://'],
    [['--database-url', 'postgres://u@h'], 'names no database'],
    [['--database-url', 'postgres://u:hunter2@h:notaport/d'], 'is not a URL'],
    [['--changelog', __dirname], 'has no db.changelog-master.yaml'],
  ])('usage error: %j', async (args, message) => {
    const run = await cli(['local', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('hunter2');
    expect(invocations).toHaveLength(0);
  });
});
