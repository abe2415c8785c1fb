import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { ensureRunnerBuilt } from '../../../cli/local/runner-process';
import type { DatabaseSecret } from '../../../cli/lib/db-secret';
import { lintChangelog } from '../../../cli/lib/lint/lint-run';
import { selectRules } from '../../../cli/lib/lint/rules';
import { runLocal } from '../../../cli/lib/local-run';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { connect, emptyDatabase } from '../support/scratch-database';

// --pending-against: only what the next deploy would run is linted, and the real database is left as it was.
const fixture = join(__dirname, '..', '..', 'fixtures', 'lint', 'rules', 'db.changelog-master.xml');
/** The runner's advisory lock key (SessionLock.KEY): a migration in progress holds it. */
const RUNNER_LOCK_KEY = 0x64626d67;

let pg: PostgresServer;
let work: string;

beforeAll(async () => {
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  pg = await startPostgresServer();
  work = mkdtempSync(join(tmpdir(), 'lint-pending-'));
});

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Everything the lint could change, in catalog terms: relations, columns, constraints, roles, and history rows. */
async function catalog(client: Client): Promise<unknown[]> {
  const queries = [
    `SELECT c.oid::int, c.relname, c.relkind, c.relfilenode::int, n.nspname FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`,
    `SELECT attrelid::int, attname, atttypid::int, attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1, 2`,
    `SELECT conname, contype, convalidated FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1`,
    'SELECT rolname FROM pg_roles ORDER BY 1',
    'SELECT * FROM databasechangelog ORDER BY orderexecuted',
  ];
  const results: unknown[] = [];
  for (const query of queries) results.push((await client.query(query)).rows);
  return results;
}

test('lints only the changesets pending on the database, reading it without a lock and changing nothing', async () => {
  // A database where the first three changesets of the changelog were applied by the runner.
  const target: DatabaseSecret = await emptyDatabase(pg, 'target');
  const applied = join(work, 'applied');
  mkdirSync(applied);
  const full = readFileSync(fixture, 'utf8');
  writeFileSync(join(applied, 'db.changelog-master.xml'),
    `${full.slice(0, full.indexOf('  <changeSet id="add-required-email"'))}</databaseChangeLog>\n`);
  const run = await runLocal({
    secret: target, sslMode: 'disable', changelogDir: applied, selection: { changelogFile: 'db.changelog-master.xml' },
    resultFile: join(work, 'result.json'), dryRun: false, onLog: () => undefined,
  });
  expect(run.result.status).toBe('SUCCEEDED');
  expect(run.result.applied).toMatchObject({ count: 3 });

  const client = await connect(pg, target.dbname);
  const locker = await connect(pg, target.dbname);
  try {
    // A migration in progress: the runner's advisory lock, and DATABASECHANGELOGLOCK's row held in an open
    // transaction, as the runner holds it against other Liquibase clients. The lint must wait on neither.
    await locker.query('SELECT pg_advisory_lock($1)', [RUNNER_LOCK_KEY]);
    await locker.query('BEGIN');
    await locker.query('SELECT locked FROM databasechangeloglock WHERE id = 1 FOR UPDATE');
    const before = await catalog(client);

    const report = await lintChangelog({
      changelogDir: join(fixture, '..'),
      selection: { changelogFile: 'db.changelog-master.xml' },
      pgVersion: '17.9',
      rules: selectRules({}),
      scratch: await emptyDatabase(pg),
      pendingOn: { secret: target, sslMode: 'disable' },
      onLog: () => undefined,
    });

    expect(report.pending).toEqual(['add-required-email', 'widen-age', 'index-email', 'check-age', 'fk-account']
      .map((id) => `db.changelog-master.xml::${id}::alice`));
    expect(report.linted).toBe(5);
    expect([...new Set(report.findings.map((f) => f.changeset.split('::')[1]))])
      .toEqual(['add-required-email', 'widen-age', 'index-email', 'check-age', 'fk-account']);
    expect(await catalog(client)).toEqual(before);
    expect((await client.query('SELECT locked, lockedby FROM databasechangeloglock')).rows)
      .toEqual([{ locked: false, lockedby: null }]);
  } finally {
    await locker.end();
    await client.end();
  }
});
