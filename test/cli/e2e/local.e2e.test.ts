import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureRunnerBuilt } from '../../../cli/local/runner-process';
import type { MigrationResult } from '../../../cli/lib/migration-result';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { expectValidResult } from '../support/results';
import { recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';

// The whole local path for real: the CLI's bin, the Java runner with a LOCAL trigger, and PostgreSQL.
// The changelog that ships with the project has two changesets (schema demo, table demo.users).
const TRANSCRIPT = 'local.txt';
const TOTAL_CHANGESETS = 2;
const DATABASE = 'app';

let pg: PostgresServer;
let work: string;
let env: Record<string, string>;
let url: string;

async function run(...args: string[]): Promise<SpawnedRun> {
  const result = await spawnCli([...args, '--result-file', join(work, 'last-result.json')], env, 300_000);
  recordTranscript(TRANSCRIPT, args, result);
  return result;
}

function resultOf(run: SpawnedRun): MigrationResult {
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return expectValidResult(JSON.parse(lines[0]));
}

/** Everything a migration could change: the tables of every user schema, and the rows in each. */
async function snapshot(): Promise<Record<string, number>> {
  const client = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: DATABASE });
  await client.connect();
  try {
    const tables = await client.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    const schemas = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1`,
    );
    const state: Record<string, number> = {};
    for (const { nspname } of schemas.rows) state[`schema ${nspname}`] = 1;
    for (const { table_schema, table_name } of tables.rows) {
      const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_schema}"."${table_name}"`);
      state[`${table_schema}.${table_name}`] = Number(count.rows[0].n);
    }
    return state;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  resetTranscript(TRANSCRIPT);
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  work = mkdtempSync(join(tmpdir(), 'db-migrator-local-e2e-'));
  pg = await startPostgresServer();
  const admin = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  // The password travels in PGPASSWORD, as the help recommends, not in the URL.
  env = { PGPASSWORD: pg.password };
  url = `postgres://${pg.username}@${pg.host}:${pg.port}/${DATABASE}?sslmode=disable`;
}, 900_000);

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('local, end to end', () => {
  test('without a URL: an embedded PostgreSQL of its own, migrated from scratch', async () => {
    const human = await run('local');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('starting an embedded PostgreSQL');
    expect(human.stdout).toContain(`status:    SUCCEEDED`);
    expect(human.stdout).toContain(`applied:   ${TOTAL_CHANGESETS}`);
    expect(human.stdout).toContain('trigger:   LOCAL');

    const json = await run('local', '--json');
    expect(json.code).toBe(0);
    const result = resultOf(json);
    expect(result).toMatchObject({ status: 'SUCCEEDED', trigger: { type: 'LOCAL', dryRun: false } });
    // A fresh server each time: the run applies everything again.
    expect(result.applied.count).toBe(TOTAL_CHANGESETS);
  });

  test('--dry-run on a fresh database: PLANNED, every changeset pending with its SQL, nothing applied', async () => {
    const before = await snapshot();

    const plan = await run('local', '--database-url', url, '--dry-run', '--json');

    expect(plan.code).toBe(0);
    const result = resultOf(plan);
    expect(result).toMatchObject({ status: 'PLANNED', trigger: { type: 'LOCAL', dryRun: true } });
    expect(result.applied.count).toBe(0);
    expect(result.pending.count).toBe(TOTAL_CHANGESETS);
    expect(result.sqlPreview).toMatch(/CREATE TABLE/i);
    expect(await snapshot()).toEqual(before);
  });

  test('--database-url applies the changelog to a database the user can reach', async () => {
    const apply = await run('local', '--database-url', url);

    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('status:    SUCCEEDED');
    expect(apply.stdout).toContain(`applied:   ${TOTAL_CHANGESETS}`);
    expect(await snapshot()).toMatchObject({ 'schema demo': 1, 'demo.users': 0, 'public.databasechangelog': TOTAL_CHANGESETS });
  });

  test('--dry-run after it: PLANNED with nothing pending, and the database is unchanged', async () => {
    const before = await snapshot();

    const human = await run('local', '--database-url', url, '--dry-run');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('status:    PLANNED');
    expect(human.stdout).toContain('pending:   0');

    const json = await run('local', '--database-url', url, '--dry-run', '--json');
    const result = resultOf(json);
    expect(result.status).toBe('PLANNED');
    expect(result.pending.count).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  test('a second apply is idempotent: SUCCEEDED, nothing applied', async () => {
    const again = await run('local', '--database-url', url, '--json');
    expect(again.code).toBe(0);
    expect(resultOf(again)).toMatchObject({ status: 'SUCCEEDED', applied: { count: 0 }, pending: { count: 0 } });
  });

  test('wrong credentials end FAILED (exit 1) with the reason', async () => {
    const denied = await spawnCli(['local', '--database-url', url, '--json', '--result-file', join(work, 'r.json')], { PGPASSWORD: 'wrong' }, 300_000);
    recordTranscript(TRANSCRIPT, ['local', '--database-url', url.replace(pg.username, 'postgres'), '--json'], denied);
    expect(denied.code).toBe(1);
    expect(resultOf(denied)).toMatchObject({ status: 'FAILED', reason: 'AUTH_FAILED' });
  });

  test('a user\'s own layout: an XML master by --changelog-file, contexts and parameters set before parsing', async () => {
    const root = join(work, 'resources');
    mkdirSync(join(root, 'db', 'changelog'), { recursive: true });
    writeFileSync(join(root, 'db', 'changelog', 'master.xml'), `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
  <property name="today" value="CURDATE()" context="mysql"/>
  <property name="today" value="CURRENT_DATE" context="postgresql"/>
  <changeSet id="1" author="e2e">
    <createTable tableName="\${table_prefix}orders">
      <column name="id" type="bigint"/>
      <column name="placed_on" type="date" defaultValueComputed="\${today}"/>
    </createTable>
  </changeSet>
</databaseChangeLog>
`);
    const admin = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: 'postgres' });
    await admin.connect();
    await admin.query('CREATE DATABASE layout');
    await admin.end();
    const layoutUrl = url.replace(`/${DATABASE}?`, '/layout?');

    const applied = await run('local', '--database-url', layoutUrl, '--changelog', root, '--changelog-file',
      'db/changelog/master.xml', '--contexts', 'postgresql', '--parameter', 'table_prefix=app_', '--json');

    expect(applied.code).toBe(0);
    const result = resultOf(applied);
    expect(result).toMatchObject({ status: 'SUCCEEDED', changelog: { file: 'db/changelog/master.xml' } });
    expect(result.applied.changesets).toEqual(['db/changelog/master.xml::1::e2e']);
    const client = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: 'layout' });
    await client.connect();
    try {
      const column = await client.query<{ column_default: string }>(
        `SELECT column_default FROM information_schema.columns WHERE table_name = 'app_orders' AND column_name = 'placed_on'`,
      );
      expect(column.rows).toEqual([{ column_default: 'CURRENT_DATE' }]);
    } finally {
      await client.end();
    }
  });
});
