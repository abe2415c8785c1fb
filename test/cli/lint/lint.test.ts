import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRunnerBuilt } from '../../../cli/local/runner-process';
import { readBaseline, writeBaseline } from '../../../cli/lib/lint/baseline';
import { changelogSql } from '../../../cli/lib/lint/changelog-sql';
import { type LintFinding, lintChangelog, type LintRequest } from '../../../cli/lib/lint/lint-run';
import { selectRules } from '../../../cli/lib/lint/rules';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { emptyDatabase } from '../support/scratch-database';

// The lint for real: the runner's LintMain (Liquibase update-sql as a role without privileges), then squawk.
const fixtures = join(__dirname, '..', '..', 'fixtures', 'lint');
const repoRoot = join(__dirname, '..', '..', '..');

let pg: PostgresServer;
let work: string;

beforeAll(async () => {
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  pg = await startPostgresServer();
  work = mkdtempSync(join(tmpdir(), 'lint-test-'));
});

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function lint(changelogDir: string, changelogFile: string, extra: Partial<LintRequest> = {}) {
  return lintChangelog({
    changelogDir,
    selection: { changelogFile },
    pgVersion: '17.9',
    rules: selectRules({}),
    scratch: await emptyDatabase(pg),
    onLog: () => undefined,
    ...extra,
  });
}

/** changeset id → its rules, sorted, with each finding's status. */
function byChangeset(findings: readonly LintFinding[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of findings) (out[f.changeset.split('::')[1]] ??= []).push(`${f.rule}${f.status === 'new' ? '' : ` (${f.status})`}`);
  for (const rules of Object.values(out)) rules.sort();
  return out;
}

const RULE_FINDINGS = {
  'drop-nickname': ['ban-drop-column'],
  'rename-full-name': ['renaming-column'],
  'add-required-email': ['adding-required-field'],
  'widen-age': ['changing-column-type'],
  'index-email': ['require-concurrent-index-creation'],
  'check-age': ['constraint-missing-not-valid'],
  // squawk names both: the scan holds SHARE ROW EXCLUSIVE on both tables, and the constraint is not NOT VALID.
  'fk-account': ['adding-foreign-key-constraint', 'constraint-missing-not-valid'],
};

test('an XML changelog with one changeset per rule gives exactly the expected findings, on each changeset\'s line', async () => {
  const report = await lint(join(fixtures, 'rules'), 'db.changelog-master.xml');
  expect(report.linted).toBe(8);
  expect(byChangeset(report.findings)).toEqual(RULE_FINDINGS);
  const drop = report.findings.find((f) => f.rule === 'ban-drop-column');
  expect(drop).toMatchObject({ changeset: 'db.changelog-master.xml::drop-nickname::alice', file: 'db.changelog-master.xml', runInTransaction: true });
  const text = readFileSync(join(fixtures, 'rules', 'db.changelog-master.xml'), 'utf8').split('\n');
  expect(text[(drop?.line ?? 0) - 1]).toContain('<changeSet id="drop-nickname"');
  const required = report.findings.find((f) => f.rule === 'adding-required-field');
  expect(required?.message).toMatch(/NOT NULL/);
  expect(required?.help).toMatch(/DEFAULT/);
});

test('a formatted SQL changelog: acknowledged findings are listed, not fatal; each changeset is judged with its transaction setting', async () => {
  const report = await lint(join(fixtures, 'formatted-sql'), 'changelog.sql');
  expect(report.linted).toBe(5);
  // BEGIN/COMMIT nest only inside the transaction Liquibase opens: flagged there, not where runInTransaction is false.
  expect(byChangeset(report.findings)).toEqual({
    'drop-note': ['ban-drop-column (acknowledged)'],
    'backfill-nested-transaction': ['transaction-nesting', 'transaction-nesting'],
  });
  expect(report.findings.find((f) => f.status === 'acknowledged')).toMatchObject({
    changeset: 'changelog.sql::drop-note::bob',
    reason: 'no release since v41 reads orders.note',
    line: 6,
  });
  expect(report.problems).toEqual([]);
});

test('the project\'s own changelog lints clean with the default rules', async () => {
  const report = await lint(join(repoRoot, 'changelog'), 'db.changelog-master.yaml');
  expect(report.linted).toBe(2);
  expect(report.findings).toEqual([]);
});

const ACK = 'db-migrator:allow ban-drop-column: the application stopped reading it in v42';

/** The same drop-column changeset in each format Liquibase reads, with or without the acknowledgement. */
function formats(acknowledged: boolean): Record<string, string> {
  const create = (table: string): string => `CREATE TABLE ${table} (id bigint PRIMARY KEY, old text)`;
  return {
    'db.changelog-master.yaml': `databaseChangeLog:
  - include: { file: x.xml, relativeToChangelogFile: true }
  - include: { file: y.yaml, relativeToChangelogFile: true }
  - include: { file: j.json, relativeToChangelogFile: true }
  - include: { file: s.sql, relativeToChangelogFile: true }
`,
    'x.xml': `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
  <changeSet id="x1" author="a"><sql>${create('tx')}</sql></changeSet>
  <changeSet id="x2" author="a">
    ${acknowledged ? `<comment>${ACK}</comment>` : ''}
    <dropColumn tableName="tx" columnName="old"/>
  </changeSet>
</databaseChangeLog>
`,
    'y.yaml': `databaseChangeLog:
  - changeSet: { id: y1, author: a, changes: [ { sql: { sql: "${create('ty')}" } } ] }
  - changeSet:
      id: y2
      author: a
${acknowledged ? `      comment: "${ACK}"\n` : ''}      changes:
        - dropColumn: { tableName: ty, columnName: old }
`,
    'j.json': JSON.stringify({
      databaseChangeLog: [
        { changeSet: { id: 'j1', author: 'a', changes: [{ sql: { sql: create('tj') } }] } },
        { changeSet: { id: 'j2', author: 'a', ...(acknowledged ? { comment: ACK } : {}), changes: [{ dropColumn: { tableName: 'tj', columnName: 'old' } }] } },
      ],
    }, null, 2),
    's.sql': `--liquibase formatted sql
--changeset a:s1
${create('ts')};
--changeset a:s2
${acknowledged ? `--comment: ${ACK}\n` : ''}ALTER TABLE ts DROP COLUMN old;
`,
  };
}

function writeChangelog(dir: string, files: Record<string, string>): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text, { flag: 'w' });
  }
  return dir;
}

test('an acknowledgement in XML, YAML, JSON and formatted SQL passes the finding and leaves Liquibase\'s checksum unchanged', async () => {
  const plain = writeChangelog(join(work, 'plain'), formats(false));
  const acked = writeChangelog(join(work, 'acked'), formats(true));
  const before = await changelogSql({ changelogDir: plain, selection: {}, scratch: await emptyDatabase(pg) }, () => undefined);
  const after = await changelogSql({ changelogDir: acked, selection: {}, scratch: await emptyDatabase(pg) }, () => undefined);
  const checksums = (sql: typeof before): Record<string, string> =>
    Object.fromEntries(sql.changesets.map((c) => [c.id, c.checksum]));
  expect(Object.keys(checksums(after))).toEqual(['x1', 'x2', 'y1', 'y2', 'j1', 'j2', 's1', 's2']);
  expect(checksums(after)).toEqual(checksums(before));
  expect(after.changesets.filter((c) => c.comment?.includes(ACK)).map((c) => c.id)).toEqual(['x2', 'y2', 'j2', 's2']);

  const unacknowledged = await lint(plain, 'db.changelog-master.yaml');
  expect(byChangeset(unacknowledged.findings)).toEqual({ x2: ['ban-drop-column'], y2: ['ban-drop-column'], j2: ['ban-drop-column'], s2: ['ban-drop-column'] });
  const acknowledged = await lint(acked, 'db.changelog-master.yaml');
  expect(acknowledged.findings.map((f) => f.status)).toEqual(['acknowledged', 'acknowledged', 'acknowledged', 'acknowledged']);
  // Each finding points at its changeset's declaration in its own file.
  const lineOf = (id: string): string => {
    const f = acknowledged.findings.find((x) => x.changeset.includes(`::${id}::`)) as LintFinding;
    return readFileSync(join(acked, f.file), 'utf8').split('\n')[f.line - 1];
  };
  expect(lineOf('x2')).toContain('<changeSet id="x2"');
  expect(lineOf('y2')).toContain('changeSet:');
  expect(lineOf('j2')).toContain('"changeSet"');
  expect(lineOf('s2')).toBe('--changeset a:s2');
});

test('a baseline suppresses the findings it recorded and not a new one', async () => {
  const dir = join(work, 'baselined');
  cpSync(join(fixtures, 'rules'), dir, { recursive: true });
  const first = await lint(dir, 'db.changelog-master.xml');
  const baselineFile = join(work, 'lint-baseline.json');
  writeBaseline(baselineFile, first.findings);
  const master = join(dir, 'db.changelog-master.xml');
  writeFileSync(master, readFileSync(master, 'utf8').replace('</databaseChangeLog>', `  <changeSet id="drop-age" author="carol">
    <dropColumn tableName="users" columnName="age"/>
  </changeSet>
</databaseChangeLog>`));
  const second = await lint(dir, 'db.changelog-master.xml', { baseline: readBaseline(baselineFile) });
  expect(second.findings.filter((f) => f.status === 'new').map((f) => `${f.changeset} ${f.rule}`))
    .toEqual(['db.changelog-master.xml::drop-age::carol ban-drop-column']);
  expect(second.findings.filter((f) => f.status === 'baseline')).toHaveLength(first.findings.length);
});

describe('COPY … FROM PROGRAM in a changelog', () => {
  let markerDir: string;
  beforeAll(() => {
    // The server runs as its own OS user: the folder must be writable by it, so that a run program could succeed.
    markerDir = mkdtempSync(join(tmpdir(), 'lint-marker-'));
    chmodSync(markerDir, 0o777);
  });
  afterAll(() => rmSync(markerDir, { recursive: true, force: true }));

  test('in a changeset, is linted and not executed', async () => {
    const marker = join(markerDir, 'from-changeset');
    const sql = await changelogSql({
      changelogDir: join(fixtures, 'copy-from-program'),
      selection: { changelogFile: 'changelog.xml', parameters: { marker } },
      scratch: await emptyDatabase(pg),
    }, () => undefined);
    expect(sql.changesets.map((c) => c.sql)).toEqual([`COPY lint_target FROM PROGRAM 'touch ${marker}';`]);
    expect(existsSync(marker)).toBe(false);
  });

  test('in a precondition that update-sql executes (onSqlOutput TEST), fails for lack of privilege and runs nothing', async () => {
    const marker = join(markerDir, 'from-precondition');
    const attempt = changelogSql({
      changelogDir: join(fixtures, 'copy-from-program'),
      selection: { changelogFile: 'precondition.xml', parameters: { marker } },
      scratch: await emptyDatabase(pg),
    }, () => undefined);
    await expect(attempt).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/pg_execute_server_program|permission denied|superuser/) });
    expect(existsSync(marker)).toBe(false);
  });

  test('the same COPY as a superuser does create the file: the two tests above would see an execution', async () => {
    const marker = join(markerDir, 'control');
    const { connect } = await import('../support/scratch-database');
    const admin = await connect(pg, 'postgres');
    try {
      await admin.query('CREATE TEMPORARY TABLE lint_target (line text)');
      await admin.query(`COPY lint_target FROM PROGRAM 'touch ${marker}'`);
    } finally {
      await admin.end();
    }
    expect(existsSync(marker)).toBe(true);
  });
});
