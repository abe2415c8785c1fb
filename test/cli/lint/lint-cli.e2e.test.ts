import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRunnerBuilt } from '../../../cli/local/runner-process';
import { recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';

// `db-migrator lint` as an operator runs it: the bin, the embedded PostgreSQL, the runner's LintMain and squawk.
const TRANSCRIPT = 'lint.txt';
const RULES = ['--changelog', 'test/fixtures/lint/rules', '--changelog-file', 'db.changelog-master.xml'];

let work: string;

async function lint(...args: string[]): Promise<SpawnedRun> {
  const run = await spawnCli(['lint', ...args], {}, 300_000);
  recordTranscript(TRANSCRIPT, ['lint', ...args], run);
  return run;
}

beforeAll(() => {
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  resetTranscript(TRANSCRIPT);
  work = mkdtempSync(join(tmpdir(), 'lint-cli-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

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
