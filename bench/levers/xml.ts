import { LAMBDA_JVM_FLAGS } from '../config';
import type { HeadState } from '../noop';
import { checkRunner, runnerCommand } from '../runner';
import { compareProcesses, LeverResult } from './compare';

type Log = (line: string) => void;

/**
 * XSD validation of the XML workload, on the full path (the fast path parses nothing, so validation costs it
 * nothing). Liquibase reads liquibase.validateXmlChangelogFiles from a system property, so the lever needs no
 * runner change to try.
 */
export async function xmlValidationLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log(`lever: XSD validation of the XML workload (N=${head.n}, fast path off)`);
  const variant = (name: string, flags: readonly string[]) => ({
    name,
    command: () => runnerCommand(head.db, head.changelog, { fastPath: false, jvmFlags: [...LAMBDA_JVM_FLAGS, ...flags] }),
    check: (s: Parameters<typeof checkRunner>[0]) => checkRunner(s, 0, false),
  });
  const result = await compareProcesses('M1 runner, fast path off, XML workload',
    variant('XSD validation on (default)', []),
    [variant('validation off', ['-Dliquibase.validateXmlChangelogFiles=false'])], rounds, log);
  return {
    title: 'XSD validation of XML changelogs',
    kind: 'measured',
    helps: result.helps[0],
    comparisons: result.comparisons,
    note: 'Timed on the full path, which every run with something to apply (and every fallback) takes; a no-op on the '
      + 'fast path parses no XML.',
  };
}
