import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Changelog } from './changelog';
import { LAMBDA_JVM_FLAGS, runnerLibDir, sampleEvent, workDir } from './config';
import { baseEnv, Command, failure, Sample } from './measure';
import type { BenchDatabase } from './postgres';

/** The watched stack of the sample event: the runner checks the event against it, as in Lambda. */
export const sampleStackId: string = JSON.parse(readFileSync(sampleEvent, 'utf8')).detail['stack-id'];

export interface RunnerOptions {
  readonly jvmFlags?: readonly string[];
  /** false: `--no-fast-path`, the runner as it was before the fast path (always Liquibase, no fingerprint). */
  readonly fastPath?: boolean;
  /** Another Lambda layout (a trimmed copy) instead of the built one. */
  readonly libDir?: string;
  /** Extra classpath entries before lib/*, and another main class: for prototypes wrapped around LocalMain. */
  readonly classpathPrefix?: readonly string[];
  readonly mainClass?: string;
}

/**
 * The runner as a whole process: LocalMain fed the CloudFormation UPDATE_COMPLETE event, which is the Lambda
 * handler's path with local stand-ins for Secrets Manager, SSM and EventBridge. The fast path is on unless
 * `fastPath: false`, as in the product.
 */
export function runnerCommand(db: BenchDatabase, changelog: Changelog, options: RunnerOptions = {}): Command {
  const classpath = [...(options.classpathPrefix ?? []), `${options.libDir ?? runnerLibDir}/*`].join(':');
  return {
    cmd: 'java',
    args: [
      ...(options.jvmFlags ?? LAMBDA_JVM_FLAGS),
      '-cp', classpath,
      options.mainClass ?? 'dev.dbmigrator.runner.local.LocalMain',
      '--event', sampleEvent,
      '--watched', sampleStackId,
      '--changelog', changelog.dir,
      '--changelog-file', changelog.masterFile,
      '--result-file', join(workDir, 'last-result.json'),
      '--ssl-mode', 'disable',
      ...(options.fastPath === false ? ['--no-fast-path'] : []),
    ],
    env: { ...baseEnv(), DB_MIGRATOR_SECRET_JSON: db.secretJson },
  };
}

interface ResultLine {
  status: string;
  message: string;
  applied: { count: number };
  runner: { fastPath: boolean };
}

/**
 * A run counts only if it did what the measurement claims: SUCCEEDED, with exactly the expected number applied,
 * and, when given, on the expected path (runner.fastPath). A no-op meant for the fast path that took the full
 * path would otherwise pass for a slow fast path.
 */
export function checkRunner(sample: Sample, expectedApplied: number, expectedFastPath?: boolean): void {
  const line = sample.stdout.split('\n').find((l) => l.startsWith('{'));
  if (sample.exitCode !== 0 || !line) throw failure('the runner failed', sample);
  const result = JSON.parse(line) as ResultLine;
  if (result.status !== 'SUCCEEDED' || result.applied.count !== expectedApplied) {
    throw failure(`the runner ended ${result.status} with ${result.applied.count} applied, expected ${expectedApplied}: `
      + result.message, sample);
  }
  if (expectedFastPath !== undefined && result.runner?.fastPath !== expectedFastPath) {
    throw failure(`the runner reported runner.fastPath ${result.runner?.fastPath}, expected ${expectedFastPath}`, sample);
  }
}
