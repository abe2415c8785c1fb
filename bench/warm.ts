import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Changelog } from './changelog';
import { LAMBDA_JVM_FLAGS, runnerLibDir, sampleEvent, WARM_INVOCATIONS, workDir } from './config';
import { harnessClasses } from './java';
import { baseEnv, failure, runMeasured } from './measure';
import type { BenchDatabase } from './postgres';
import { sampleStackId } from './runner';
import { Summary, summarize } from './stats';

export interface WarmOptions {
  /** false: `--no-fast-path`; every invocation must then take the full path, and otherwise the fast path. */
  readonly fastPath?: boolean;
  readonly prime?: boolean;
  readonly jvmFlags?: readonly string[];
  readonly invocations?: number;
  /** Also time parts of an invocation afterwards, k times each (bench/java/PhaseProbe.java). */
  readonly phases?: number;
  /**
   * Run the harness in a mount namespace of its own where the changelog folder is a read-only bind mount, to see
   * the runner keep the folder's checksum for the JVM's life, as on Lambda's read-only /var/task. Needs root (or
   * unprivileged user namespaces); see {@link canMountReadOnly}.
   */
  readonly readOnlyChangelog?: boolean;
}

const READ_ONLY_WRAPPER = 'mount --make-rprivate / && mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" '
  + '&& shift && exec "$@"';

/** Whether this machine lets the bench make a read-only bind mount in a mount namespace of its own. */
export function canMountReadOnly(): boolean {
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', READ_ONLY_WRAPPER, 'sh', workDir, 'true'], { stdio: 'ignore' });
  return probe.status === 0;
}

export interface WarmRun {
  /** JVM boot to the harness's main(): what the Lambda runtime spends before the handler class loads. */
  readonly jvmToMainMs: number;
  /** Building the runner, as the Lambda handler's constructor does (no SDK clients on the local path). */
  readonly initMs: number;
  readonly primeMs: number;
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly invocationsMs: readonly number[];
  /** Invocation 1: cold code in a started JVM. */
  readonly firstMs: number;
  /** Invocations 2..k: M3. */
  readonly warm: Summary;
  readonly processMs: number;
  readonly peakRssKb: number | null;
}

interface HarnessOutput {
  jvmToMainMs: number;
  initMs: number;
  primeMs: number;
  applied: number;
  statuses: string[];
  fastPaths: boolean[];
  phasesMs: Record<string, number>;
  invocationsMs: number[];
}

/**
 * One JVM, k no-op handler invocations against a database already at head (bench/java/WarmHarness.java). A local,
 * in-process figure: no Lambda runtime, no network to AWS, no SDK calls (local stand-ins), the database on loopback.
 */
export async function runWarm(db: BenchDatabase, changelog: Changelog, options: WarmOptions = {}): Promise<WarmRun> {
  const fastPath = options.fastPath ?? true;
  const args = [
    ...(options.jvmFlags ?? LAMBDA_JVM_FLAGS),
    '-cp', `${harnessClasses.warm}:${runnerLibDir}/*`,
    'WarmHarness',
    '--event', sampleEvent,
    '--watched', sampleStackId,
    '--changelog', changelog.dir,
    '--changelog-file', changelog.masterFile,
    ...(fastPath ? [] : ['--no-fast-path']),
    '--result-file', join(workDir, 'warm-result.json'),
    '--invocations', String(options.invocations ?? WARM_INVOCATIONS),
    ...(options.prime ? ['--prime'] : []),
    ...(options.phases ? ['--phases', String(options.phases)] : []),
  ];
  const env = { ...baseEnv(), DB_MIGRATOR_SECRET_JSON: db.secretJson };
  const sample = await runMeasured(options.readOnlyChangelog
    ? { cmd: 'unshare', args: ['-m', 'sh', '-c', READ_ONLY_WRAPPER, 'sh', changelog.dir, 'java', ...args], env }
    : { cmd: 'java', args, env });
  const line = sample.stdout.split('\n').find((l) => l.startsWith('{'));
  if (sample.exitCode !== 0 || !line) throw failure('the warm harness failed', sample);
  const out = JSON.parse(line) as HarnessOutput;
  if (out.applied !== 0 || out.statuses.some((s) => s !== 'SUCCEEDED')) {
    throw failure(`the warm harness saw ${out.statuses.join(',')} with ${out.applied} applied; expected no-op runs`, sample);
  }
  if (out.fastPaths.some((f) => f !== fastPath)) {
    throw failure(`the warm harness saw runner.fastPath ${out.fastPaths.join(',')}; expected all ${fastPath}`, sample);
  }
  return {
    jvmToMainMs: out.jvmToMainMs,
    initMs: out.initMs,
    primeMs: out.primeMs,
    phasesMs: out.phasesMs,
    invocationsMs: out.invocationsMs,
    firstMs: out.invocationsMs[0],
    warm: summarize(out.invocationsMs.slice(1)),
    processMs: Math.round(sample.ms),
    peakRssKb: sample.peakRssKb,
  };
}
