import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { measureArtifact } from '../artifact';
import { runnerLibDir, workDir } from '../config';
import { runMeasured } from '../measure';
import type { HeadState } from '../noop';
import type { BenchPostgres } from '../postgres';
import { checkRunner, runnerCommand } from '../runner';
import { compareProcesses, LeverResult } from './compare';

type Log = (line: string) => void;

/**
 * Jars the runner never loads, on any path: Powertools' serialization module and what it pulls in (JMESPath,
 * the Lambda events library, Joda-Time) serve the @Logging aspect's correlation-id extraction, which the runner
 * does not use (it only uses the Log4j layout); checker-qual is the PostgreSQL driver's compile-time annotations.
 */
export const UNUSED_JARS = [
  'powertools-serialization-', 'jmespath-core-', 'jmespath-jackson-', 'aws-lambda-java-events-', 'joda-time-',
  'jackson-datatype-joda-', 'checker-qual-',
] as const;

/** A trimmed copy of the Lambda layout under bench/work, checked by a no-op and a full apply, and zipped. */
export async function trimLever(pg: BenchPostgres, head: HeadState, smallHead: HeadState, rounds: number, log: Log)
  : Promise<LeverResult> {
  log(`lever: trimmed dependency set (without ${UNUSED_JARS.map((j) => j.replace(/-$/, '')).join(', ')})`);
  const trimmed = join(workDir, 'trimmed', 'lib');
  rmSync(trimmed, { recursive: true, force: true });
  mkdirSync(trimmed, { recursive: true });
  const dropped: string[] = [];
  for (const jar of readdirSync(runnerLibDir).filter((f) => f.endsWith('.jar'))) {
    if (UNUSED_JARS.some((prefix) => jar.startsWith(prefix))) dropped.push(jar);
    else copyFileSync(join(runnerLibDir, jar), join(trimmed, jar));
  }
  const apply = await runMeasured(runnerCommand(await pg.createDatabase('trimmed_apply'), smallHead.changelogDir,
    { libDir: trimmed }));
  checkRunner(apply, smallHead.n);
  const cold = await compareProcesses('M1 runner',
    { name: 'as built', command: () => runnerCommand(head.db, head.changelogDir), check: (s) => checkRunner(s, 0) },
    [{ name: 'trimmed', command: () => runnerCommand(head.db, head.changelogDir, { libDir: trimmed }),
      check: (s) => checkRunner(s, 0) }], rounds, log);
  const before = measureArtifact(runnerLibDir, 'runner');
  const after = measureArtifact(trimmed, 'trimmed');
  return {
    title: 'Trimmed dependency set',
    kind: 'measured',
    helps: after.zipBytes < before.zipBytes,
    comparisons: [
      { measure: 'M4 deployment zip', before: mib(before.zipBytes), after: mib(after.zipBytes),
        ratio: (after.zipBytes / before.zipBytes).toFixed(3),
        data: { before_bytes: before.zipBytes, after_bytes: after.zipBytes, dropped } },
      ...cold.comparisons,
    ],
    note: dropped.length > 0
      ? `Dropped ${dropped.join(', ')}. A full apply of N=${smallHead.n} and the no-op runs passed without them.`
      : 'None of these jars is in the layout any more: the trim has been applied to the runner\'s pom.xml.',
  };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
