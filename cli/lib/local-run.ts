import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ChangelogSelection, type LockSettings, runLocalRunner } from '../local/runner-process';
import type { DatabaseSecret } from './db-secret';
import { CliError, UsageError } from './errors';
import type { MigrationResult } from './migration-result';
import { checkMigrationResult } from './result-schema';

export const MASTER_FILE = 'db.changelog-master.yaml';

export interface LocalRunRequest {
  readonly secret: DatabaseSecret;
  readonly sslMode: string;
  readonly changelogDir: string;
  readonly selection: ChangelogSelection;
  readonly locks?: LockSettings;
  readonly resultFile: string;
  readonly dryRun: boolean;
  readonly markApplied?: { readonly upTo?: string };
  /** false: the runner always starts Liquibase (`--no-fast-path`). */
  readonly fastPath?: boolean;
  readonly onLog: (line: string) => void;
}

export interface LocalRunOutcome {
  readonly result: MigrationResult;
  readonly runnerExitCode: number;
  /** Set when the runner's result breaks the schema: reported, not fatal, since the run itself happened. */
  readonly schemaProblems?: string[];
}

export function checkChangelogDir(dir: string, masterFile: string = MASTER_FILE): void {
  if (!existsSync(join(dir, masterFile))) {
    throw new UsageError(
      `${dir} has no ${masterFile}: --changelog takes the folder that holds the master changelog` +
        (masterFile === MASTER_FILE ? ', and --changelog-file names another master inside it' : ''),
    );
  }
}

/** One LOCAL run of the Java runner; the credentials travel in its environment, never on its command line. */
export async function runLocal(request: LocalRunRequest): Promise<LocalRunOutcome> {
  const exit = await runLocalRunner({
    trigger: { kind: 'local', dryRun: request.dryRun, markApplied: request.markApplied },
    changelogDir: request.changelogDir,
    selection: request.selection,
    locks: request.locks,
    resultFile: request.resultFile,
    secretJson: JSON.stringify(request.secret),
    sslMode: request.sslMode,
    fastPath: request.fastPath,
    onStderrLine: request.onLog,
  });
  if (!exit.resultLine) {
    throw new CliError(
      exit.exitCode === 2
        ? 'the runner refused its arguments (exit 2): rebuild it (`npm run build:runner`) so that it matches this CLI'
        : `the runner printed no result (exit ${exit.exitCode}); its log is above`,
      exit.exitCode === 2 ? 2 : 1,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(exit.resultLine);
  } catch {
    throw new CliError(`the runner printed a line that is not JSON: ${exit.resultLine.slice(0, 200)}`);
  }
  const check = checkMigrationResult(value);
  return check.ok
    ? { result: check.result, runnerExitCode: exit.exitCode }
    : { result: value as MigrationResult, runnerExitCode: exit.exitCode, schemaProblems: check.errors };
}
