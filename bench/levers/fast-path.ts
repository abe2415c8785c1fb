import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_JVM_FLAGS, runnerLibDir, workDir } from '../config';
import { checkFloor, floorCommand } from '../floor';
import { harnessClasses } from '../java';
import { baseEnv, Command, failure, runMeasured, Sample } from '../measure';
import type { HeadState } from '../noop';
import { checkRunner, runnerCommand } from '../runner';
import { summarize } from '../stats';
import { compareProcesses, fmtRatio, LeverResult } from './compare';

type Log = (line: string) => void;

/**
 * A no-op fast path that skips Liquibase when a build-time manifest proves the database is at head
 * (bench/java/FastNoop.java): cold against the runner and the floor, and warm within one JVM.
 */
export async function fastPathLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log('lever: no-op fast path from a build-time manifest (prototype)');
  const dir = join(workDir, 'fast-path');
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, `manifest-${head.n}.json`);
  const archive = join(dir, 'fast-path.jsa');
  const command = (flags: readonly string[], mode: string[]): Command => ({
    cmd: 'java',
    args: [...LAMBDA_JVM_FLAGS, ...flags, '-cp', `${harnessClasses.warm}:${runnerLibDir}/*`, 'FastNoop', ...mode],
    env: { ...baseEnv(), DB_MIGRATOR_SECRET_JSON: head.db.secretJson },
  });
  const check = (s: Sample): void => {
    if (s.exitCode !== 0 || !s.stdout.includes('"upToDate":true')) throw failure('the fast path did not prove a no-op', s);
  };
  const written = await runMeasured(command([], ['--write-manifest', head.changelogDir, manifest]));
  if (written.exitCode !== 0) throw failure('writing the manifest failed', written);
  rmSync(archive, { force: true });
  check(await runMeasured(command([`-XX:ArchiveClassesAtExit=${archive}`], ['--check', head.changelogDir, manifest])));

  const cold = await compareProcesses('M1', { name: 'runner as built',
    command: () => runnerCommand(head.db, head.changelogDir), check: (s) => checkRunner(s, 0) }, [
    { name: 'fast path', command: () => command([], ['--check', head.changelogDir, manifest]), check },
    { name: 'fast path + AppCDS', check,
      command: () => command([`-XX:SharedArchiveFile=${archive}`], ['--check', head.changelogDir, manifest]) },
    { name: 'floor', command: () => floorCommand(head.db), check: (s) => checkFloor(s, head.n) },
  ], rounds, log);
  const overFloor = (variant: string) => fmtRatio(summarize(cold.samplesMs[variant].map((v, i) => v / cold.samplesMs.floor[i])));

  const warmRun = await runMeasured(command([], ['--check', head.changelogDir, manifest, '--repeat', '11']));
  check(warmRun);
  const repetitions = (JSON.parse(warmRun.stdout.trim()) as { repetitionsMs: number[] }).repetitionsMs;
  const warm = summarize(repetitions.slice(1));
  return {
    title: 'No-op fast path from a build-time manifest',
    kind: 'prototype',
    helps: cold.helps[0],
    comparisons: [
      ...cold.comparisons.filter((c) => !c.measure.endsWith('floor')),
      { measure: 'M1 fast path / floor', before: '', after: overFloor('fast path'), data: {} },
      { measure: 'M1 fast path + AppCDS / floor', before: '', after: overFloor('fast path + AppCDS'), data: {} },
      { measure: 'M3 warm no-op (in-JVM repetitions 2..11)', before: '', after: `${warm.median.toFixed(1)} ms`,
        data: { warm_ms: warm } },
    ],
    note: 'The prototype starts the runner\'s logging and JSON, checks the folder\'s sha256 against the manifest, '
      + 'and reads DATABASECHANGELOG once; it does not write the result or publish the event, which the runner '
      + 'does on every path.',
  };
}
