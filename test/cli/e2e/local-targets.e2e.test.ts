import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureRunnerBuilt } from '../../../cli/local/runner-process';
import type { MigrationResult } from '../../../cli/lib/migration-result';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { expectValidResult } from '../support/results';
import { recordTranscript, resetTranscript, spawnCli, type SpawnedRun } from '../support/spawn-cli';
import { TENANT_CHANGELOG as CHANGELOG } from '../support/tenant-changelog';

// `local --targets` for real: the CLI's bin, one Java runner for every target, 50 databases on one PostgreSQL.
const TRANSCRIPT = 'local-targets.txt';
const DATABASES = 50;
const WRONG_PASSWORD = 'not-the-Pa55word';

let pg: PostgresServer;
let work: string;
let changelog: string;

const databaseName = (n: number) => `fleet_${String(n).padStart(2, '0')}`;

function url(database: string, password?: string): string {
  const credentials = password === undefined ? pg.username : `${pg.username}:${password}`;
  return `postgres://${credentials}@${pg.host}:${pg.port}/${database}?sslmode=disable`;
}

/** The schema pair first, so that the pool starts both at once; then one target per database. */
function targets(withBadPassword: boolean): object[] {
  return [
    { id: 'tenant-a', databaseUrl: url(databaseName(1)), schema: 'tenant_a' },
    { id: 'tenant-b', databaseUrl: url(databaseName(1)), schema: 'tenant_b' },
    ...Array.from({ length: DATABASES }, (_, i) => ({ id: `db-${i + 1}`, databaseUrl: url(databaseName(i + 1)) })),
    ...(withBadPassword ? [{ id: 'bad-password', databaseUrl: url(databaseName(2), WRONG_PASSWORD) }] : []),
  ];
}

async function runTargets(file: string, ...args: string[]): Promise<{ run: SpawnedRun; results: Map<string, MigrationResult> }> {
  const run = await spawnCli(['local', '--targets', file, '--changelog', changelog, ...args], { PGPASSWORD: pg.password }, 600_000);
  recordTranscript(TRANSCRIPT, ['local', '--targets', 'targets.json', ...args], run);
  const results = new Map<string, MigrationResult>();
  for (const line of run.stdout.trimEnd().split('\n')) {
    const result = expectValidResult(JSON.parse(line));
    expect(result.target).toBeDefined();
    results.set(result.target!.id, result);
  }
  return { run, results };
}

async function query<T>(database: string, sql: string): Promise<T[]> {
  const client = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  resetTranscript(TRANSCRIPT);
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  work = mkdtempSync(join(tmpdir(), 'db-migrator-local-targets-'));
  changelog = join(work, 'changelog');
  mkdirSync(changelog);
  writeFileSync(join(changelog, 'db.changelog-master.yaml'), CHANGELOG);
  pg = await startPostgresServer();
  const admin = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: 'postgres' });
  await admin.connect();
  for (let n = 1; n <= DATABASES; n++) await admin.query(`CREATE DATABASE ${databaseName(n)}`);
  await admin.end();
  // The tenants' schemas are created where tenants are provisioned; the runner refuses a missing one.
  await query(databaseName(1), 'CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b');
}, 900_000);

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('local --targets, end to end', () => {
  test('50 databases at concurrency 8: all migrate, a wrong password fails alone, a schema pair shares a database', async () => {
    const file = join(work, 'targets.json');
    writeFileSync(file, JSON.stringify(targets(true)));

    const { run, results } = await runTargets(file, '--concurrency', '8', '--json');

    expect(run.code).toBe(1);
    expect(results.size).toBe(DATABASES + 3);
    const failed = [...results.values()].filter((result) => result.status === 'FAILED');
    expect(failed.map((result) => [result.target!.id, result.reason])).toEqual([['bad-password', 'AUTH_FAILED']]);
    for (const [id, result] of results) {
      if (id === 'bad-password') continue;
      expect([id, result.status, result.applied.count]).toEqual([id, 'SUCCEEDED', 2]);
    }
    expect(run.stdout + run.stderr).not.toContain(WRONG_PASSWORD);
    expect(run.stdout + run.stderr).not.toContain(pg.password);

    // The pair ran at the same time, each with its own history, beside the default schema's.
    const a = results.get('tenant-a')!;
    const b = results.get('tenant-b')!;
    expect(a.target).toEqual({ id: 'tenant-a', schema: 'tenant_a' });
    expect(Date.parse(a.startedAt) < Date.parse(b.finishedAt) && Date.parse(b.startedAt) < Date.parse(a.finishedAt)).toBe(true);
    const histories = await query<{ schemaname: string }>(databaseName(1),
      "SELECT schemaname FROM pg_tables WHERE tablename = 'databasechangelog' ORDER BY 1");
    expect(histories.map((row) => row.schemaname)).toEqual(['public', 'tenant_a', 'tenant_b']);
    for (const schema of ['public', 'tenant_a', 'tenant_b']) {
      const rows = await query<{ n: string }>(databaseName(1), `SELECT count(*) AS n FROM ${schema}.databasechangelog`);
      expect([schema, Number(rows[0].n)]).toEqual([schema, 2]);
    }
  }, 600_000);

  test('a second fleet run applies nothing anywhere', async () => {
    const file = join(work, 'targets-again.json');
    writeFileSync(file, JSON.stringify(targets(false)));

    const { run, results } = await runTargets(file, '--concurrency', '8', '--json');

    expect(run.code).toBe(0);
    expect(results.size).toBe(DATABASES + 2);
    for (const [id, result] of results) {
      expect([id, result.status, result.applied.count, result.pending.count]).toEqual([id, 'SUCCEEDED', 0, 0]);
      expect([id, result.runner.fastPath]).toEqual([id, true]);
    }
  }, 600_000);

  test('without --json: a line per target and the counts', async () => {
    const file = join(work, 'two.json');
    writeFileSync(file, JSON.stringify(targets(true).filter((target) => ['db-3', 'bad-password'].includes((target as { id: string }).id))));

    const run = await spawnCli(['local', '--targets', file, '--changelog', changelog, '--concurrency', '2'], { PGPASSWORD: pg.password }, 300_000);
    recordTranscript(TRANSCRIPT, ['local', '--targets', 'two.json', '--changelog', 'changelog', '--concurrency', '2'], run);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^db-3: SUCCEEDED 0 applied, 0 pending \(\d+ ms\)$/m);
    expect(run.stdout).toMatch(/^bad-password: FAILED AUTH_FAILED: the database rejected the credentials/m);
    expect(run.stdout).toContain('2 target(s): 1 succeeded, 1 failed, 0 skipped, 0 planned');
    expect(run.stdout + run.stderr).not.toContain(WRONG_PASSWORD);
  }, 300_000);
});
