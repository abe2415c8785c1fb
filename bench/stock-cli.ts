import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Changelog } from './changelog';
import { benchDir, workDir } from './config';
import { baseEnv, Command, failure, Sample } from './measure';
import type { BenchDatabase } from './postgres';

/** The stock CLI's jars: liquibase-core, its CLI dependency picocli, and the PostgreSQL driver. */
export const stockLibDir = join(workDir, 'stock-cli', 'lib');

/** Resolves the stock CLI from Maven Central once (bench/stock-cli/pom.xml pins the versions). */
export function ensureStockCli(log: (line: string) => void): void {
  if (existsSync(stockLibDir) && readdirSync(stockLibDir).some((f) => f.startsWith('liquibase-core-'))) return;
  log('fetching the stock Liquibase CLI with Maven…');
  const result = spawnSync('mvn', ['-B', '-q', '-f', join(benchDir, 'stock-cli', 'pom.xml'),
    'dependency:copy-dependencies', `-DoutputDirectory=${stockLibDir}`, '-DincludeScope=runtime'],
  { stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`resolving the stock Liquibase CLI failed (exit ${result.status})`);
}

/**
 * The user's alternative: the stock command line, as its own process, `update` on the same changelog through
 * the same search path, so it records the same DATABASECHANGELOG paths as the runner. Analytics off, as in the
 * runner (otherwise it may wait up to 1.5 s on a call home); everything else is stock, including Liquibase's own
 * DATABASECHANGELOGLOCK. The password goes by environment variable rather than argv; Liquibase reads both.
 */
export function stockCommand(db: BenchDatabase, changelog: Changelog, jvmFlags: readonly string[]): Command {
  return {
    cmd: 'java',
    args: [
      ...jvmFlags,
      '-cp', `${stockLibDir}/*`,
      'liquibase.integration.commandline.LiquibaseCommandLine',
      `--url=${db.jdbcUrl}`,
      `--username=${db.username}`,
      `--changelog-file=${changelog.masterFile}`,
      `--search-path=${changelog.dir}`,
      'update',
    ],
    env: { ...baseEnv(), LIQUIBASE_ANALYTICS_ENABLED: 'false', LIQUIBASE_COMMAND_PASSWORD: db.password },
  };
}

/** The stock CLI prints an update summary; a no-op must say that nothing ran, an apply that all of them did. */
export function checkStock(sample: Sample, expectedRun: number): void {
  if (sample.exitCode !== 0) throw failure('the stock Liquibase CLI failed', sample);
  const run = /^Run:\s+(\d+)/m.exec(sample.stdout);
  if (!run || Number(run[1]) !== expectedRun) {
    throw failure(`the stock Liquibase CLI ran ${run ? run[1] : '?'} changesets, expected ${expectedRun}`, sample);
  }
}
