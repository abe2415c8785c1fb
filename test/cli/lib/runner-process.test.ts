import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalRunner } from '../../../cli/local/runner-process';

// A stand-in `java` that reports what it was given: its arguments, and whether the secret came by environment.
let dir: string;
const originalPath = process.env.PATH;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-java-'));
  const script = `#!/usr/bin/env node
process.stderr.write('log line 1\\nlog line 2\\n');
process.stdout.write(JSON.stringify({ args: process.argv.slice(2), secret: process.env.DB_MIGRATOR_SECRET_JSON }) + '\\n');
process.exit(Number(process.env.FAKE_JAVA_EXIT || 0));
`;
  writeFileSync(join(dir, 'java'), script);
  chmodSync(join(dir, 'java'), 0o755);
  process.env.PATH = `${dir}:${originalPath}`;
});

afterAll(() => {
  process.env.PATH = originalPath;
  rmSync(dir, { recursive: true, force: true });
});

const secretJson = JSON.stringify({ host: 'h', port: 5432, username: 'u', password: 'never-in-argv', dbname: 'd' });

test('a LOCAL dry run: --local --dry-run, the secret in the environment only, the log line by line', async () => {
  const lines: string[] = [];
  const exit = await runLocalRunner({
    trigger: { kind: 'local', dryRun: true },
    changelogDir: '/changelog',
    resultFile: '/result.json',
    secretJson,
    sslMode: 'require',
    onStderrLine: (line) => lines.push(line),
  });

  expect(exit.exitCode).toBe(0);
  const seen = JSON.parse(exit.resultLine as string) as { args: string[]; secret: string };
  expect(seen.secret).toBe(secretJson);
  expect(seen.args.join(' ')).not.toContain('never-in-argv');
  expect(seen.args.slice(seen.args.indexOf('dev.dbmigrator.runner.local.LocalMain') + 1)).toEqual([
    '--local',
    '--dry-run',
    '--changelog',
    '/changelog',
    '--result-file',
    '/result.json',
    '--ssl-mode',
    'require',
  ]);
  expect(lines).toEqual(['log line 1', 'log line 2']);
});

test('fastPath false passes --no-fast-path; left unset, the runner keeps its default (on)', async () => {
  const base = { trigger: { kind: 'local', dryRun: false } as const, changelogDir: '/c', resultFile: '/r.json', secretJson,
    onStderrLine: () => undefined };
  const off = JSON.parse((await runLocalRunner({ ...base, fastPath: false })).resultLine as string) as { args: string[] };
  const on = JSON.parse((await runLocalRunner(base)).resultLine as string) as { args: string[] };

  expect(off.args).toContain('--no-fast-path');
  expect(on.args).not.toContain('--no-fast-path');
});

test('an event trigger keeps the Lambda-style arguments (npm start)', async () => {
  const exit = await runLocalRunner({
    trigger: { kind: 'event', eventFile: '/event.json', watchedStackIds: ['arn:a', 'arn:b'] },
    changelogDir: '/changelog',
    resultFile: '/result.json',
    secretJson,
    onStderrLine: () => undefined,
  });
  const { args } = JSON.parse(exit.resultLine as string) as { args: string[] };
  expect(args).toEqual(expect.arrayContaining(['--event', '/event.json', '--watched', 'arn:a,arn:b', '--ssl-mode', 'disable']));
  expect(args).not.toContain('--local');
});

test('lock settings become the runner\'s flags, 0 included; unset ones are left to the runner\'s defaults', async () => {
  const exit = await runLocalRunner({
    trigger: { kind: 'local', dryRun: false },
    changelogDir: '/changelog',
    locks: { lockTimeoutSeconds: 0, lockRetryBudgetSeconds: 90 },
    resultFile: '/result.json',
    secretJson,
    onStderrLine: () => undefined,
  });
  const { args } = JSON.parse(exit.resultLine as string) as { args: string[] };
  const flags = args.slice(args.indexOf('/changelog') + 1, args.indexOf('--result-file'));
  expect(flags).toEqual(['--lock-timeout', '0', '--lock-retry-budget', '90']);
});
