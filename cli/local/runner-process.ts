import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, from this file's place in cli/local/. */
export const repoRoot = join(__dirname, '..', '..');
const runnerDir = join(repoRoot, 'liquibase-runner');
const libDir = join(runnerDir, 'target', 'lambda', 'lib');

/** Builds the runner with Maven unless its Lambda layout is newer than every source file. */
export function ensureRunnerBuilt(log: (line: string) => void): void {
  if (existsSync(libDir) && newestMtime(join(runnerDir, 'src', 'main')) < statSync(libDir).mtimeMs
      && statSync(join(runnerDir, 'pom.xml')).mtimeMs < statSync(libDir).mtimeMs) {
    return;
  }
  log('building the Liquibase runner with Maven (first run only)…');
  const build = spawnSync('mvn', ['-B', '-q', '-DskipTests', '-f', join(runnerDir, 'pom.xml'), 'package'], {
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (build.status !== 0) {
    throw new Error(`the Maven build of liquibase-runner failed (exit ${build.status ?? build.signal})`);
  }
}

/**
 * What starts the run: a CloudFormation or replay event from a file (as in Lambda, checked against the watched
 * stack ids), or a LOCAL trigger, which needs no event and may be a dry run.
 */
export type RunnerTrigger =
  | { readonly kind: 'event'; readonly eventFile: string; readonly watchedStackIds: readonly string[] }
  | { readonly kind: 'local'; readonly dryRun: boolean };

export interface RunnerInvocation {
  trigger: RunnerTrigger;
  changelogDir: string;
  resultFile: string;
  /** The secret JSON, in the shape RDS writes to Secrets Manager. Passed by environment, never argv. */
  secretJson: string;
  /** PostgreSQL's sslmode; the embedded server has no TLS, so `disable` is the default. */
  sslMode?: string;
  onStderrLine: (line: string) => void;
}

export interface RunnerExit {
  exitCode: number;
  /** The MigrationResult JSON line the runner printed, if any. */
  resultLine: string | undefined;
}

function triggerArgs(trigger: RunnerTrigger): string[] {
  if (trigger.kind === 'event') return ['--event', trigger.eventFile, '--watched', trigger.watchedStackIds.join(',')];
  return trigger.dryRun ? ['--local', '--dry-run'] : ['--local'];
}

/** Runs the Java LocalMain: the Lambda's code path with local stand-ins for the AWS services. */
export function runLocalRunner(invocation: RunnerInvocation): Promise<RunnerExit> {
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-cp', `${libDir}/*`,
    'dev.dbmigrator.runner.local.LocalMain',
    ...triggerArgs(invocation.trigger),
    '--changelog', invocation.changelogDir,
    '--result-file', invocation.resultFile,
    '--ssl-mode', invocation.sslMode ?? 'disable',
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

function newestMtime(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
