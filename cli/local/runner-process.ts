import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT, RUNNER_LIB_DIR } from '../../infra/package-assets';

export { ensureRunnerBuilt } from './runner-jars';

/** The root of the package (in a clone: of the repository). */
export const repoRoot = PACKAGE_ROOT;

/**
 * What starts the run: a CloudFormation or replay event from a file (as in Lambda, checked against the watched
 * stack ids), or a LOCAL trigger, which needs no event and may be a dry run.
 */
export type RunnerTrigger =
  | { readonly kind: 'event'; readonly eventFile: string; readonly watchedStackIds: readonly string[] }
  | {
      readonly kind: 'local';
      readonly dryRun: boolean;
      /** Liquibase's changelog-sync: record the changesets as applied without running them. */
      readonly markApplied?: { readonly upTo?: string };
    };

/** Which changesets the changelog yields: Liquibase's selection, set before the changelog is parsed. */
export interface ChangelogSelection {
  /** The master file's path inside the changelog folder; the runner's default is db.changelog-master.yaml. */
  readonly changelogFile?: string;
  readonly contexts?: string;
  readonly labels?: string;
  /** Values for ${name}; the only ones besides the changelog's own properties. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/**
 * How transactional changesets meet live traffic; each left out keeps the runner's default (lock_timeout 5 s,
 * statement_timeout off, a lock retry budget of 2 minutes). 0 turns a timeout off.
 */
export interface LockSettings {
  readonly lockTimeoutSeconds?: number;
  readonly statementTimeoutSeconds?: number;
  readonly lockRetryBudgetSeconds?: number;
}

export interface RunnerInvocation {
  trigger: RunnerTrigger;
  changelogDir: string;
  selection?: ChangelogSelection;
  locks?: LockSettings;
  resultFile: string;
  /** The secret JSON, in the shape RDS writes to Secrets Manager. Passed by environment, never argv. */
  secretJson: string;
  /** PostgreSQL's sslmode; the embedded server has no TLS, so `disable` is the default. */
  sslMode?: string;
  /** false: always start Liquibase, never answer from the fingerprint (LocalMain's --no-fast-path). */
  fastPath?: boolean;
  onStderrLine: (line: string) => void;
}

export interface RunnerExit {
  exitCode: number;
  /** The MigrationResult JSON line the runner printed, if any. */
  resultLine: string | undefined;
}

function triggerArgs(trigger: RunnerTrigger): string[] {
  if (trigger.kind === 'event') return ['--event', trigger.eventFile, '--watched', trigger.watchedStackIds.join(',')];
  return [
    '--local',
    ...(trigger.dryRun ? ['--dry-run'] : []),
    ...(trigger.markApplied ? ['--mark-applied'] : []),
    ...(trigger.markApplied?.upTo ? ['--to-changeset', trigger.markApplied.upTo] : []),
  ];
}

function selectionArgs(selection: ChangelogSelection = {}): string[] {
  return [
    ...(selection.changelogFile ? ['--changelog-file', selection.changelogFile] : []),
    ...(selection.contexts !== undefined ? ['--contexts', selection.contexts] : []),
    ...(selection.labels !== undefined ? ['--labels', selection.labels] : []),
    ...Object.entries(selection.parameters ?? {}).flatMap(([name, value]) => ['--parameter', `${name}=${value}`]),
  ];
}

function lockArgs(locks: LockSettings = {}): string[] {
  return [
    ...(locks.lockTimeoutSeconds !== undefined ? ['--lock-timeout', String(locks.lockTimeoutSeconds)] : []),
    ...(locks.statementTimeoutSeconds !== undefined ? ['--statement-timeout', String(locks.statementTimeoutSeconds)] : []),
    ...(locks.lockRetryBudgetSeconds !== undefined ? ['--lock-retry-budget', String(locks.lockRetryBudgetSeconds)] : []),
  ];
}

/** Runs the Java LocalMain: the Lambda's code path with local stand-ins for the AWS services. */
export function runLocalRunner(invocation: RunnerInvocation): Promise<RunnerExit> {
  const args = [
    '-XX:TieredStopAtLevel=1',
    // The same jars as the Lambda layer's java/lib.
    '-cp', join(RUNNER_LIB_DIR, '*'),
    'dev.dbmigrator.runner.local.LocalMain',
    ...triggerArgs(invocation.trigger),
    '--changelog', invocation.changelogDir,
    ...selectionArgs(invocation.selection),
    ...lockArgs(invocation.locks),
    '--result-file', invocation.resultFile,
    '--ssl-mode', invocation.sslMode ?? 'disable',
    ...(invocation.fastPath === false ? ['--no-fast-path'] : []),
  ];
  const child = spawn('java', args, {
    env: { ...process.env, DB_MIGRATOR_SECRET_JSON: invocation.secretJson },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderrTail = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (stderrTail + chunk).split('\n');
    stderrTail = lines.pop() ?? '';
    lines.forEach(invocation.onStderrLine);
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`cannot start java: ${error.message}`)));
    child.on('close', (code) => {
      if (stderrTail) invocation.onStderrLine(stderrTail);
      const resultLine = stdout.split('\n').find((line) => line.startsWith('{'));
      resolve({ exitCode: code ?? 1, resultLine });
    });
  });
}

export interface TargetsInvocation {
  /** Each target's credentials, in the RDS secret's shape, and schema: written to the runner's stdin, never argv. */
  targets: ReadonlyArray<{ id: string; secret: object; schema: string | null }>;
  concurrency: number;
  dryRun: boolean;
  changelogDir: string;
  selection?: ChangelogSelection;
  locks?: LockSettings;
  sslMode: string;
  fastPath?: boolean;
  /** Each result line (a MigrationResult with target), as its target ends. */
  onResultLine: (line: string) => void;
  onStderrLine: (line: string) => void;
}

/**
 * Runs every target in ONE Java process (LocalMain --targets -), `concurrency` at a time: a JVM per target would
 * pay the JVM start and Liquibase's class loading once per target (measured: see the fleet docs).
 */
export function runLocalTargetsRunner(invocation: TargetsInvocation): Promise<number> {
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-cp', join(RUNNER_LIB_DIR, '*'),
    'dev.dbmigrator.runner.local.LocalMain',
    '--targets', '-',
    '--concurrency', String(invocation.concurrency),
    ...(invocation.dryRun ? ['--dry-run'] : []),
    '--changelog', invocation.changelogDir,
    ...selectionArgs(invocation.selection),
    ...lockArgs(invocation.locks),
    '--ssl-mode', invocation.sslMode,
    ...(invocation.fastPath === false ? ['--no-fast-path'] : []),
  ];
  const child = spawn('java', args, { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = (emit: (line: string) => void) => {
    let tail = '';
    return {
      push: (chunk: string) => {
        const parts = (tail + chunk).split('\n');
        tail = parts.pop() ?? '';
        parts.forEach(emit);
      },
      end: () => tail && emit(tail),
    };
  };
  const out = lines((line) => line.startsWith('{') && invocation.onResultLine(line));
  const err = lines(invocation.onStderrLine);
  child.stdout.setEncoding('utf8').on('data', out.push);
  child.stderr.setEncoding('utf8').on('data', err.push);
  child.stdin.end(JSON.stringify(invocation.targets));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`cannot start java: ${error.message}`)));
    child.on('close', (code) => {
      out.end();
      err.end();
      resolve(code ?? 1);
    });
  });
}
