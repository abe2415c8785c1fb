/**
 * Wall time of `local --targets` over 50 databases on the embedded PostgreSQL, at concurrency 1 and 8, against
 * the alternative it replaced: one JVM per target (LocalMain --local per database, 8 at a time). Each first run
 * gets 50 fresh databases; the no-op run repeats the concurrency-8 targets. Not part of `npm test`:
 *
 *   npm run timing:local-targets
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { RUNNER_LIB_DIR } from '../infra/package-assets';
import { startEmbeddedDatabase } from '../cli/lib/embedded-database';
import { ensureRunnerBuilt } from '../cli/local/runner-process';
import { TENANT_CHANGELOG as CHANGELOG } from '../test/cli/support/tenant-changelog';

const TARGETS = 50;
const repoRoot = join(__dirname, '..');

function run(command: string, args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end(stdin ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  ensureRunnerBuilt((line) => process.stderr.write(`${line}\n`));
  const work = mkdtempSync(join(tmpdir(), 'db-migrator-targets-timing-'));
  const changelog = join(work, 'changelog');
  mkdirSync(changelog);
  writeFileSync(join(changelog, 'db.changelog-master.yaml'), CHANGELOG);
  const pg = await startEmbeddedDatabase();
  const admin = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: 'postgres' });
  await admin.connect();
  const databases = async (prefix: string): Promise<string[]> => {
    const names = Array.from({ length: TARGETS }, (_, i) => `${prefix}_${i + 1}`);
    for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
    return names;
  };
  const url = (database: string) => `postgres://${pg.username}@${pg.host}:${pg.port}/${database}?sslmode=disable`;
  const timed = async (label: string, work: () => Promise<boolean>): Promise<void> => {
    const started = process.hrtime.bigint();
    const ok = await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`${label.padEnd(64)} ${seconds.toFixed(1).padStart(6)} s${ok ? '' : '  (a target FAILED)'}`);
  };
  const oneJvm = async (names: string[], concurrency: number): Promise<boolean> => {
    const file = join(work, `targets-${names[0]}.json`);
    writeFileSync(file, JSON.stringify(names.map((name) => ({ id: name.replace(/_/g, '-'), databaseUrl: url(name) }))));
    const code = await run(process.execPath, ['--require', require.resolve('tsx/cjs'), join(repoRoot, 'cli', 'bin.ts'),
      'local', '--targets', file, '--changelog', changelog, '--concurrency', String(concurrency), '--json'],
    { PGPASSWORD: pg.password });
    return code === 0;
  };
  const jvmPerTarget = async (names: string[], concurrency: number): Promise<boolean> => {
    let next = 0;
    let ok = true;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++];
        const secret = JSON.stringify({ host: pg.host, port: pg.port, username: pg.username, password: pg.password, dbname: name });
        const code = await run('java', ['-XX:TieredStopAtLevel=1', '-cp', join(RUNNER_LIB_DIR, '*'), 'dev.dbmigrator.runner.local.LocalMain',
          '--local', '--changelog', changelog, '--ssl-mode', 'disable', '--result-file', join(work, `${name}.json`)],
        { DB_MIGRATOR_SECRET_JSON: secret });
        ok &&= code === 0;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return ok;
  };
  try {
    console.log(`${TARGETS} databases, a 2-changeset changelog, embedded PostgreSQL, ${cpus().length} CPU(s)`);
    const c1 = await databases('c1');
    await timed('local --targets, one JVM, --concurrency 1 (first run)', () => oneJvm(c1, 1));
    const c8 = await databases('c8');
    await timed('local --targets, one JVM, --concurrency 8 (first run)', () => oneJvm(c8, 8));
    await timed('local --targets, one JVM, --concurrency 8 (second run, no-op)', () => oneJvm(c8, 8));
    await timed('local --targets, one JVM, --concurrency 1 (second run, no-op)', () => oneJvm(c1, 1));
    const p8 = await databases('p8');
    await timed('a JVM per target (LocalMain --local), 8 at a time (first run)', () => jvmPerTarget(p8, 8));
  } finally {
    await admin.end();
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
