import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRunnerBuilt } from '../../../cli/local/runner-process';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { emptyDatabase } from '../support/scratch-database';
import { recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';

// `db-migrator lint` as an operator runs it: the bin, the embedded PostgreSQL, the runner's LintMain and squawk.
const TRANSCRIPT = 'lint.txt';
const RULES = ['--changelog', 'test/fixtures/lint/rules', '--changelog-file', 'db.changelog-master.xml'];

let work: string;
let pg: PostgresServer;

/** --scratch-database-url: an empty database of the test server instead of a new embedded server per run. */
async function scratchUrl(): Promise<string> {
  const db = await emptyDatabase(pg);
  return `postgres://${db.username}:${encodeURIComponent(db.password)}@${db.host}:${db.port}/${db.dbname}`;
}

async function lint(...args: string[]): Promise<SpawnedRun> {
  const run = await spawnCli(['lint', ...args], {}, 300_000);
  recordTranscript(TRANSCRIPT, ['lint', ...args], run);
  return run;
}

beforeAll(async () => {
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  resetTranscript(TRANSCRIPT);
  work = mkdtempSync(join(tmpdir(), 'lint-cli-'));
  pg = await startPostgresServer();
});

afterAll(async () => {
  await pg?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the project\'s own changelog (the default ./changelog) lints clean: exit 0', async () => {
  const run = await lint();
  expect(run.stdout).toContain('2 changeset(s) linted: 0 finding(s) to fix');
  expect(run.code).toBe(0);
});

test('findings print per changeset with rule, message and help, and exit 1', async () => {
  const run = await lint(...RULES);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('db.changelog-master.xml::drop-nickname::alice (line 22)');
  expect(run.stdout).toContain('  ban-drop-column: Dropping a column may break existing clients.');
  expect(run.stdout).toContain('    help: Use `concurrently` to avoid blocking writes.');
  expect(run.stdout).toContain('8 changeset(s) linted: 8 finding(s) to fix, 0 acknowledged, 0 in the baseline');
});

test('--sarif prints SARIF 2.1.0 with each finding on its changeset\'s line', async () => {
  const run = await lint(...RULES, '--sarif');
  expect(run.code).toBe(1);
  const sarif = JSON.parse(run.stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
  expect(sarif.version).toBe('2.1.0');
  const results = sarif.runs[0].results;
  expect(results).toHaveLength(8);
  const drop = results.find((r) => r.ruleId === 'ban-drop-column');
  expect(drop?.locations[0].physicalLocation).toEqual({
    artifactLocation: { uri: 'test/fixtures/lint/rules/db.changelog-master.xml' },
    region: { startLine: 22 },
  });
});

test('--write-baseline records today\'s findings; --baseline then passes', async () => {
  const baseline = join(work, 'baseline.json');
  const write = await lint(...RULES, '--write-baseline', baseline);
  expect(write.code).toBe(0);
  expect(JSON.parse(readFileSync(baseline, 'utf8')).findings).toHaveLength(8);
  const run = await lint(...RULES, '--baseline', baseline, '--json');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as { findings: Array<{ status: string }> };
  expect(report.findings.map((f) => f.status)).toEqual(Array(8).fill('baseline'));
});

test('bad input exits 2 with a clear error: a missing folder, a broken changelog', async () => {
  const missing = await lint('--changelog', join(work, 'nowhere'));
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/error: .*nowhere has no db\.changelog-master\.yaml/);

  const broken = join(work, 'broken');
  require('node:fs').mkdirSync(broken);
  writeFileSync(join(broken, 'db.changelog-master.yaml'), 'databaseChangeLog:\n  - changeSet: [not, a, changeset\n');
  const run = await lint('--changelog', broken);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/error: the changelog cannot be read: /);
});

test('an acknowledged finding is listed with its reason and does not fail the lint', async () => {
  const run = await spawnCli(['lint', '--changelog', 'test/fixtures/lint/formatted-sql', '--changelog-file', 'changelog.sql',
    '--exclude', 'transaction-nesting', '--scratch-database-url', await scratchUrl()], {}, 300_000);
  recordTranscript(TRANSCRIPT, ['lint', '--changelog', 'test/fixtures/lint/formatted-sql', '--changelog-file', 'changelog.sql', '--exclude', 'transaction-nesting'], run);
  expect(run.stdout).toContain('changelog.sql::drop-note::bob (line 6)');
  expect(run.stdout).toContain('  ban-drop-column [acknowledged]: Dropping a column may break existing clients.');
  expect(run.stdout).toContain('    reason: no release since v41 reads orders.note');
  expect(run.stdout).toContain('5 changeset(s) linted: 0 finding(s) to fix, 1 acknowledged, 0 in the baseline');
  expect(run.code).toBe(0);
});

test('more bad input exits 2: an unknown rule name, an acknowledgement without a reason', async () => {
  const unknown = await spawnCli(['lint', '--exclude', 'no-such-rule', '--scratch-database-url', await scratchUrl()], {}, 300_000);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/invalid rule name no-such-rule/);

  const dir = join(work, 'no-reason');
  require('node:fs').mkdirSync(dir);
  writeFileSync(join(dir, 'changelog.sql'), '--liquibase formatted sql\n--changeset a:1\n--comment: db-migrator:allow ban-drop-column\nALTER TABLE t DROP COLUMN c;\n');
  const run = await spawnCli(['lint', '--changelog', dir, '--changelog-file', 'changelog.sql', '--scratch-database-url', await scratchUrl()], {}, 300_000);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('error: changelog.sql::1::a: cannot read the acknowledgement "db-migrator:allow ban-drop-column": write it as "db-migrator:allow <rule>: <reason>", with the reason');
});

test('lint --help lists the rules that are off by default, with the reasons', async () => {
  const run = await spawnCli(['lint', '--help'], {});
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('  prefer-text-field: style:');
  expect(run.stdout).toContain('  require-lock-timeout: the runner sets lock_timeout on every transactional changeset itself');
});
