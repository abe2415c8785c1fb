import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LAMBDA_JVM_FLAGS, workDir } from '../config';
import { checkFloor, floorCommand } from '../floor';
import { failure, runMeasured } from '../measure';
import type { HeadState } from '../noop';
import { checkRunner, runnerCommand, RunnerOptions } from '../runner';
import { pairRatios } from '../stats';
import { compareProcesses, fmtRatio, LeverResult, Variant } from './compare';

type Log = (line: string) => void;

/** The runner as built: the fast path on, and every no-op checked to have answered from the fingerprint. */
const runnerVariant = (head: HeadState, name: string, options: RunnerOptions = {}): Variant => ({
  name,
  command: () => runnerCommand(head.db, head.changelog, options),
  check: (s) => checkRunner(s, 0, true),
});

/**
 * A dynamic AppCDS archive recorded from one fast-path no-op, then used by the next ones, against the floor in the
 * same rounds: what the fast path's cold start leaves to class loading.
 */
export async function appCdsLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log('lever: AppCDS archive on the fast path (a training run, then timed runs)');
  const dir = join(workDir, 'appcds');
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, 'runner.jsa');
  rmSync(archive, { force: true });
  const training = await runMeasured(runnerCommand(head.db, head.changelog,
    { jvmFlags: [...LAMBDA_JVM_FLAGS, `-XX:ArchiveClassesAtExit=${archive}`] }));
  if (training.exitCode !== 0) throw failure('the AppCDS training run failed', training);
  const result = await compareProcesses('M1 runner (fast path)',
    runnerVariant(head, 'no archive'),
    [
      runnerVariant(head, 'AppCDS', { jvmFlags: [...LAMBDA_JVM_FLAGS, `-XX:SharedArchiveFile=${archive}`] }),
      { name: 'floor', command: () => floorCommand(head.db), check: (s) => checkFloor(s, head.n) },
    ], rounds, log);
  const overFloor = (arm: string): string => fmtRatio(pairRatios(result.samplesMs[arm], result.samplesMs.floor));
  const archiveBytes = statSync(archive).size;
  const archiveGzipBytes = gzipSync(readFileSync(archive)).length;
  return {
    title: 'AppCDS archive',
    kind: 'measured',
    helps: result.helps[0],
    comparisons: [
      result.comparisons[0],
      { measure: 'M1 / floor: no archive → AppCDS', before: overFloor('no archive'), after: overFloor('AppCDS'), data: {} },
      { measure: 'archive size (raw / gzip)', before: '0', after: `${mib(archiveBytes)} / ${mib(archiveGzipBytes)}`,
        data: { archive_bytes: archiveBytes, archive_gzip_bytes: archiveGzipBytes } },
    ],
    note: 'An archive only loads in the JVM build that wrote it; elsewhere the JVM ignores it and starts as before. '
      + 'The managed java21 runtime\'s JVM is patched by AWS, so this applies to a container image or custom runtime.',
  };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
