import { resolve } from 'node:path';
import type { ActionEnv } from '../lib/command-runner';
import { CliError } from '../lib/errors';
import type { MigrationResult } from '../lib/migration-result';
import { checkMigrationResult } from '../lib/result-schema';
import { ensureRunnerBuilt, type ChangelogSelection, type LockSettings, runLocalTargetsRunner } from './runner-process';
import { readTargetsFile, targetsSslMode } from './targets-file';

export interface TargetsOptions {
  readonly targets: string;
  readonly concurrency: number;
  readonly changelogDir: string;
  readonly selection: ChangelogSelection;
  readonly locks: LockSettings;
  readonly dryRun: boolean;
  readonly fastPath: boolean;
  readonly sslMode?: string;
  readonly verbose: boolean;
}

/**
 * `local --targets FILE`: the fleet target's code path for every target of the file, against databases this
 * machine reaches. With --json, one MigrationResult line per target (each with target.id) as it ends; otherwise
 * a line per target and the counts. Exit 1 when any target FAILED.
 */
export async function runLocalTargets(env: ActionEnv, options: TargetsOptions): Promise<number> {
  const { out } = env;
  const targets = readTargetsFile(resolve(options.targets), env.deps.env);
  const sslMode = targetsSslMode(targets, options.sslMode);
  ensureRunnerBuilt((line) => out.log(line));
  out.say(`running the changelog against ${targets.length} target(s), ${options.concurrency} at a time${options.dryRun ? ' (dry run)' : ''}`);
  const results: MigrationResult[] = [];
  const problems: string[] = [];
  const held: string[] = [];
  const exitCode = await runLocalTargetsRunner({
    targets: targets.map(({ id, secret, schema }) => ({ id, secret, schema })),
    concurrency: options.concurrency,
    dryRun: options.dryRun,
    changelogDir: options.changelogDir,
    selection: options.selection,
    locks: options.locks,
    sslMode,
    fastPath: options.fastPath,
    onStderrLine: (line) => (options.verbose ? out.log(line) : held.push(line)),
    onResultLine: (line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problems.push(`a line that is not JSON: ${line.slice(0, 200)}`);
        return;
      }
      const check = checkMigrationResult(value);
      if (!check.ok) problems.push(`a result that breaks contracts/migration-result.schema.json: ${check.errors.join('; ')}`);
      const result = value as MigrationResult;
      results.push(result);
      if (out.json) out.jsonLine(result);
      else out.say(targetLine(result));
    },
  });
  problems.forEach((problem) => out.log(`warning: ${problem}`));
  if (exitCode === 2 || results.length !== targets.length) {
    held.forEach((line) => out.log(line));
    throw new CliError(
      exitCode === 2
        ? 'the runner refused its arguments (exit 2): rebuild it (`npm run build:runner`) so that it matches this CLI'
        : `the runner gave ${results.length} result(s) for ${targets.length} target(s) (exit ${exitCode}); its log is above`,
      exitCode === 2 ? 2 : 1,
    );
  }
  const count = (status: string) => results.filter((result) => result.status === status).length;
  out.say(`${targets.length} target(s): ${count('SUCCEEDED')} succeeded, ${count('FAILED')} failed, ${count('SKIPPED')} skipped, ${count('PLANNED')} planned`);
  return results.some((result) => result.status === 'FAILED') ? 1 : 0;
}

function targetLine(result: MigrationResult): string {
  const id = result.target?.id ?? '?';
  const schema = result.target?.schema ? ` (schema ${result.target.schema})` : '';
  const what = result.status === 'FAILED' || result.status === 'SKIPPED'
    ? `${result.reason}: ${result.message}`
    : `${result.applied.count} applied, ${result.pending.count ?? '?'} pending`;
  return `${id}${schema}: ${result.status} ${what} (${result.durationMs} ms)`;
}
