/**
 * npm start: the whole runner on a workstation, with no AWS account and no Docker. It starts an embedded
 * PostgreSQL, feeds the bundled CloudFormation UPDATE_COMPLETE event through the Lambda's own code path twice
 * (the second run shows idempotence), shows that demo.users exists, and stops the database.
 *
 *   npm start             a readable summary of each run
 *   npm start -- --json   each run's MigrationResult as one JSON line on stdout; logs go to stderr
 *
 * Exit code: 0 unless a run FAILED (1); 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, LocalPostgres } from './local/embedded-postgres';
import { ensureRunnerBuilt, repoRoot, runLocalRunner } from './local/runner-process';
import type { MigrationResult } from './lib/migration-result';
import { formatSummary } from './lib/result-summary';

const DATABASE = 'demo';
const sampleEvent = join(__dirname, 'local', 'sample-events', 'stack-update-complete.json');

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`unknown option(s): ${unknown.join(' ')}\nusage: npm start [-- --json]\n`);
    return 2;
  }
  const json = argv.includes('--json');
  // With --json, stdout carries only result lines: everything for people goes to stderr.
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);

  ensureRunnerBuilt(say);
  say('starting an embedded PostgreSQL…');
  const pg = await startEmbeddedPostgres();
  try {
    await pg.createDatabase(DATABASE);
    say(`PostgreSQL is up on ${pg.host}:${pg.port}, database "${DATABASE}"`);
    const stackId = JSON.parse(readFileSync(sampleEvent, 'utf8')).detail['stack-id'] as string;
    let failed = false;
    for (const label of ['first run', 'second run (idempotent: nothing left to apply)']) {
      say('');
      say(`── ${label}: feeding ${relative(process.cwd(), sampleEvent)} to the runner`);
      const result = await runOnce(pg, stackId, json, say);
      if (!result || result.status === 'FAILED') failed = true;
      if (result && json) process.stdout.write(`${JSON.stringify(result)}\n`);
      if (result && !json) say(formatSummary(result, resultFile));
    }
    say('');
    say(await describeUsersTable(pg));
    return failed ? 1 : 0;
  } finally {
    await pg.stop();
    say('embedded PostgreSQL stopped');
  }
}

const resultFile = join(repoRoot, '.local', 'last-result.json');

async function runOnce(pg: LocalPostgres, stackId: string, json: boolean, say: (line: string) => void)
  : Promise<MigrationResult | undefined> {
  const logs: string[] = [];
  const exit = await runLocalRunner({
    trigger: { kind: 'event', eventFile: sampleEvent, watchedStackIds: [stackId] },
    changelogDir: join(repoRoot, 'changelog'),
    resultFile,
    secretJson: JSON.stringify({ host: pg.host, port: pg.port, username: pg.username, password: pg.password, dbname: DATABASE }),
    onStderrLine: (line) => {
      if (json) process.stderr.write(`${line}\n`);
      else if (line.startsWith('completion event')) say(line.length > 160 ? `${line.slice(0, 157)}...` : line);
      else logs.push(line);
    },
  });
  if (!exit.resultLine) {
    if (!json) logs.forEach((line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`the runner printed no result (exit ${exit.exitCode})\n`);
    return undefined;
  }
  return JSON.parse(exit.resultLine) as MigrationResult;
}

async function describeUsersTable(pg: LocalPostgres): Promise<string> {
  const client = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: DATABASE });
  await client.connect();
  try {
    const columns = await client.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'demo' AND table_name = 'users' ORDER BY ordinal_position`);
    if (columns.rowCount === 0) return 'demo.users does NOT exist';
    return `demo.users exists: ${columns.rows.map((c) => `${c.column_name} ${c.data_type}`).join(', ')}`;
  } finally {
    await client.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
