import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LAMBDA_JVM_FLAGS, benchDir, runnerLibDir, workDir } from '../config';
import { harnessClasses } from '../java';
import { baseEnv, failure, runMeasured } from '../measure';
import type { HeadState } from '../noop';
import { checkRunner, runnerCommand, RunnerOptions } from '../runner';
import { checkStock, stockCommand } from '../stock-cli';
import { compareProcesses, LeverResult, Variant } from './compare';

type Log = (line: string) => void;

const runnerVariant = (head: HeadState, name: string, options: RunnerOptions = {}): Variant => ({
  name,
  command: () => runnerCommand(head.db, head.changelogDir, options),
  check: (s) => checkRunner(s, 0),
});

/** Lambda's java21 runtime already stops at C1 with the serial GC; this prices those options against the JVM's defaults. */
export async function jvmFlagsLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log('lever: JVM options for short runs (runner, then stock CLI)');
  const runner = await compareProcesses('M1 runner',
    runnerVariant(head, 'JVM defaults', { jvmFlags: [] }),
    [runnerVariant(head, `${LAMBDA_JVM_FLAGS.join(' ')}`)], rounds, log);
  const stock = await compareProcesses('M1 stock CLI',
    { name: 'JVM defaults', command: () => stockCommand(head.db, head.changelogDir), check: (s) => checkStock(s, 0) },
    [{ name: 'same options as the runner', command: () => stockCommand(head.db, head.changelogDir, LAMBDA_JVM_FLAGS),
      check: (s) => checkStock(s, 0) }], rounds, log);
  const equal = await compareProcesses('M1 with equal options',
    { name: 'stock CLI', command: () => stockCommand(head.db, head.changelogDir, LAMBDA_JVM_FLAGS),
      check: (s) => checkStock(s, 0) },
    [runnerVariant(head, 'runner')], rounds, log);
  return {
    title: 'JVM options (C1 only, serial GC)',
    kind: 'measured',
    helps: runner.helps[0],
    comparisons: [...runner.comparisons, ...stock.comparisons, ...equal.comparisons],
    note: 'The java21 Lambda runtime applies these by default, so JAVA_TOOL_OPTIONS adds nothing there. The last '
      + 'line is runner / stock CLI with both on these options.',
  };
}

/**
 * A dynamic AppCDS archive recorded from one no-op run, then used by the next ones. Also with the FrozenConfig
 * prototype, to show what the two together reach.
 */
export async function appCdsLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log('lever: AppCDS archive (training runs, then timed runs)');
  const dir = join(workDir, 'appcds');
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, 'runner.jsa');
  const frozen = join(dir, 'runner-frozen.jsa');
  const frozenOptions: RunnerOptions = { classpathPrefix: [harnessClasses.warm], mainClass: 'FrozenLocalMain' };
  for (const [archive, options] of [[plain, {}], [frozen, frozenOptions]] as const) {
    rmSync(archive, { force: true });
    const sample = await runMeasured(runnerCommand(head.db, head.changelogDir,
      { ...options, jvmFlags: [...LAMBDA_JVM_FLAGS, `-XX:ArchiveClassesAtExit=${archive}`] }));
    if (sample.exitCode !== 0) throw failure('the AppCDS training run failed', sample);
  }
  const result = await compareProcesses('M1 runner',
    runnerVariant(head, 'no archive'),
    [
      runnerVariant(head, 'AppCDS', { jvmFlags: [...LAMBDA_JVM_FLAGS, `-XX:SharedArchiveFile=${plain}`] }),
      runnerVariant(head, 'AppCDS + FrozenConfig', { ...frozenOptions,
        jvmFlags: [...LAMBDA_JVM_FLAGS, `-XX:SharedArchiveFile=${frozen}`] }),
    ], rounds, log);
  const archiveBytes = statSync(plain).size;
  const archiveGzipBytes = gzipSync(readFileSync(plain)).length;
  return {
    title: 'AppCDS archive',
    kind: 'measured',
    helps: result.helps[0],
    comparisons: [...result.comparisons, {
      measure: 'archive size (raw / gzip)', before: '0', after: `${mib(archiveBytes)} / ${mib(archiveGzipBytes)}`,
      data: { archive_bytes: archiveBytes, archive_gzip_bytes: archiveGzipBytes },
    }],
    note: 'An archive only loads in the JVM build that wrote it; elsewhere the JVM ignores it and starts as before.',
  };
}

/**
 * Logging start-up. The runner with a plain pattern instead of Powertools' JSON template layout; and, since the
 * runner cannot start without log4j-core (its java.util.logging bridge needs it), a probe that only starts the
 * runner's logging, with log4j-core and with the Log4j API's simple logger.
 */
export async function loggingLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log('lever: logging start-up (JSON template layout vs plain pattern; log4j-core vs none)');
  const runner = await compareProcesses('M1 runner',
    runnerVariant(head, 'Powertools JSON layout'),
    [runnerVariant(head, 'plain PatternLayout', { jvmFlags: [...LAMBDA_JVM_FLAGS,
      `-Dlog4j2.configurationFile=${join(benchDir, 'resources', 'log4j2-plain.xml')}`] })], rounds, log);
  const probe = (name: string, flags: readonly string[]): Variant => ({
    name,
    command: () => ({ cmd: 'java', args: [...LAMBDA_JVM_FLAGS, ...flags, '-cp', `${harnessClasses.warm}:${runnerLibDir}/*`,
      'LoggingProbe'], env: baseEnv() }),
    check: (s) => { if (s.exitCode !== 0) throw failure('the logging probe failed', s); },
  });
  const core = await compareProcesses('logging alone (LoggingProbe)',
    probe('log4j-core + JSON layout + JUL bridge', []),
    [probe('Log4j API simple logger', ['-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory'])],
    rounds, log);
  return {
    title: 'Logging start-up',
    kind: 'prototype',
    helps: core.helps[0],
    comparisons: [...runner.comparisons, ...core.comparisons],
    note: 'The layout is not the cost; starting log4j-core is. The second line bounds what a lighter JSON logger '
      + 'could save.',
  };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
