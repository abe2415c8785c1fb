import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetsInvocation } from '../../../cli/local/runner-process';
import { readTargetsFile, targetsSslMode } from '../../../cli/local/targets-file';
import { UsageError } from '../../../cli/lib/errors';
import { cli } from '../support/run-cli';

// The Java runner is exercised end to end (test/cli/e2e/local-targets.e2e.test.ts); here it is replaced to see
// what the CLI hands it, and what it makes of the lines it prints.
const invocations: TargetsInvocation[] = [];
let answer: { lines: string[]; exitCode: number } = { lines: [], exitCode: 0 };

jest.mock('../../../cli/local/runner-process', () => ({
  ...jest.requireActual('../../../cli/local/runner-process'),
  ensureRunnerBuilt: jest.fn(),
  runLocalTargetsRunner: jest.fn(async (invocation: TargetsInvocation) => {
    invocations.push(invocation);
    answer.lines.forEach(invocation.onResultLine);
    return answer.exitCode;
  }),
}));

const PASSWORD = 's3cr3t-Pa55';
const work = mkdtempSync(join(tmpdir(), 'db-migrator-targets-'));
const changelog = join(__dirname, '..', '..', '..', 'changelog');

function file(content: unknown): string {
  const path = join(work, `targets-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function result(id: string, status: string, reason: string | null, schema: string | null = null): string {
  return JSON.stringify({
    schemaVersion: 1, runId: '3cdad616-78aa-4798-8ad1-2c188932e626', status, reason, message: reason ? 'it failed' : 'applied 2 changeset(s)',
    trigger: { type: 'LOCAL', eventId: null, stackId: null, stackName: null, stackStatus: null, time: null, dryRun: false, reason: null },
    database: { host: 'db', port: 5432, name: 'app', serverVersion: null },
    changelog: { file: 'db.changelog-master.yaml', checksum: null, totalChangesets: 2 },
    applied: { count: reason ? 0 : 2, changesets: [], truncated: false },
    pending: { count: 0, changesets: [], truncated: false },
    failedChangeset: null, startedAt: '2025-06-02T12:00:00.000Z', finishedAt: '2025-06-02T12:00:01.000Z', durationMs: 1000,
    runner: { version: '0.1.0', liquibaseVersion: '4.33.0', coldStart: false, fastPath: false },
    target: { id, schema },
  });
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeEach(() => {
  invocations.length = 0;
  answer = { lines: [], exitCode: 0 };
});

describe('the targets file', () => {
  test('gives each target its credentials, its schema and its URL\'s sslmode; PGPASSWORD fills in', () => {
    const targets = readTargetsFile(file([
      { id: 'tenant-a', databaseUrl: 'postgres://app@db:6543/shared?sslmode=require', schema: 'tenant_a' },
      { id: 'db-2', databaseUrl: `postgres://app:${PASSWORD}@db2/app2` },
    ]), { PGPASSWORD: 'from-env' });

    expect(targets).toEqual([
      { id: 'tenant-a', secret: { host: 'db', port: 6543, username: 'app', password: 'from-env', dbname: 'shared' }, schema: 'tenant_a', sslMode: 'require' },
      { id: 'db-2', secret: { host: 'db2', port: 5432, username: 'app', password: PASSWORD, dbname: 'app2' }, schema: null, sslMode: undefined },
    ]);
  });

  test.each([
    ['{"id":"a"}', 'must hold a non-empty JSON array'],
    ['[]', 'must hold a non-empty JSON array'],
    ['[{"id":"-a","databaseUrl":"postgres://u@h/d"}]', 'id must match'],
    ['[{"id":"a","databaseUrl":"postgres://u@h/d"},{"id":"a","databaseUrl":"postgres://u@h/e"}]', 'entry 1: id a appears twice'],
    ['[{"id":"a","databaseUrl":"postgres://u@h/d","schemaName":"t"}]', 'unknown key(s) schemaName'],
    ['[{"id":"a","databaseUrl":"postgres://u@h/d","schema":"Tenant"}]', 'schema must be a lower-case identifier'],
    ['[{"id":"a","databaseUrl":"postgres://u@h/d","schema":"pg_x"}]', 'schema must be a lower-case identifier'],
    ['[{"id":"a","databaseUrl":"mysql://u@h/d"}]', 'entry 0 (a): databaseUrl must start with postgres://'],
    ['[{"id":"a"}]', 'entry 0 (a) has no databaseUrl'],
    ['not json', 'cannot be read as JSON'],
  ])('%s is refused whole before anything runs', (content, message) => {
    expect(() => readTargetsFile(file(content), {})).toThrow(UsageError);
    expect(() => readTargetsFile(file(content), {})).toThrow(message);
  });

  test('a bad URL\'s message never repeats its password', () => {
    const bad = file([{ id: 'a', databaseUrl: `postgres://u:${PASSWORD}@/d` }]);
    expect(() => readTargetsFile(bad, {})).toThrow('entry 0 (a): databaseUrl "postgres://u:***@/d" is not a URL');
    expect(() => readTargetsFile(bad, {})).not.toThrow(PASSWORD);
  });

  test('one sslmode for the run: --ssl-mode, else the URLs\' (which must agree), else prefer', () => {
    const target = (sslMode?: string) => ({ id: 'a', secret: { host: 'h', port: 1, username: 'u', password: 'p', dbname: 'd' }, schema: null, sslMode });
    expect(targetsSslMode([target('require'), target()], undefined)).toBe('require');
    expect(targetsSslMode([target()], undefined)).toBe('prefer');
    expect(targetsSslMode([target('require'), target('disable')], 'verify-full')).toBe('verify-full');
    expect(() => targetsSslMode([target('require'), target('disable')], undefined)).toThrow('give --ssl-mode');
  });
});

describe('local --targets', () => {
  test('hands every target to one runner, with the run\'s settings, and prints a result line per target', async () => {
    answer.lines = [result('tenant-a', 'SUCCEEDED', null, 'tenant_a'), result('db-2', 'SUCCEEDED', null)];
    const targets = file([
      { id: 'tenant-a', databaseUrl: `postgres://app:${PASSWORD}@db/shared`, schema: 'tenant_a' },
      { id: 'db-2', databaseUrl: `postgres://app:${PASSWORD}@db/app2` },
    ]);

    const run = await cli(['local', '--targets', targets, '--changelog', changelog, '--concurrency', '8', '--dry-run',
      '--contexts', 'prod', '--lock-timeout', '2', '--json']);

    expect(run.code).toBe(0);
    expect(invocations).toHaveLength(1);
    const [invocation] = invocations;
    expect(invocation.targets).toEqual([
      { id: 'tenant-a', secret: { host: 'db', port: 5432, username: 'app', password: PASSWORD, dbname: 'shared' }, schema: 'tenant_a' },
      { id: 'db-2', secret: { host: 'db', port: 5432, username: 'app', password: PASSWORD, dbname: 'app2' }, schema: null },
    ]);
    expect(invocation).toMatchObject({ concurrency: 8, dryRun: true, sslMode: 'prefer', changelogDir: changelog,
      selection: { contexts: 'prod' }, locks: { lockTimeoutSeconds: 2 }, fastPath: true });
    expect(run.lines.map((line) => JSON.parse(line).target.id)).toEqual(['tenant-a', 'db-2']);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  test('exit 1 when any target FAILED, with a line per target and the counts', async () => {
    answer = { lines: [result('db-1', 'SUCCEEDED', null), result('db-2', 'FAILED', 'AUTH_FAILED')], exitCode: 1 };
    const targets = file([{ id: 'db-1', databaseUrl: 'postgres://u@h/d1' }, { id: 'db-2', databaseUrl: 'postgres://u@h/d2' }]);

    const run = await cli(['local', '--targets', targets, '--changelog', changelog]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('db-2: FAILED AUTH_FAILED: it failed (1000 ms)');
    expect(run.stdout).toContain('2 target(s): 1 succeeded, 1 failed, 0 skipped, 0 planned');
    expect(invocations[0].concurrency).toBe(4);
  });

  test('a runner that gives fewer results than targets is an error, not a silent success', async () => {
    answer = { lines: [result('db-1', 'SUCCEEDED', null)], exitCode: 0 };
    const targets = file([{ id: 'db-1', databaseUrl: 'postgres://u@h/d1' }, { id: 'db-2', databaseUrl: 'postgres://u@h/d2' }]);

    const run = await cli(['local', '--targets', targets, '--changelog', changelog]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the runner gave 1 result(s) for 2 target(s)');
  });

  test.each([
    [['--database-url', 'postgres://u@h/d'], '--database-url does not go with --targets'],
    [['--mark-applied'], '--mark-applied does not go with --targets'],
    [['--concurrency', '0'], 'expected a whole number from 1 to 64'],
  ])('%s is a usage error', async (args, message) => {
    const run = await cli(['local', '--targets', file([{ id: 'a', databaseUrl: 'postgres://u@h/d' }]), '--changelog', changelog, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(invocations).toHaveLength(0);
  });

  test('--concurrency without --targets is a usage error', async () => {
    const run = await cli(['local', '--database-url', 'postgres://u@h/d', '--concurrency', '4']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--concurrency goes with --targets');
  });
});
