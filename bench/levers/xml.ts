import { join } from 'node:path';
import { writeChangelog } from '../changelog';
import { LAMBDA_JVM_FLAGS, workDir } from '../config';
import { runMeasured } from '../measure';
import type { BenchPostgres } from '../postgres';
import { checkRunner, runnerCommand } from '../runner';
import { compareProcesses, LeverResult } from './compare';

type Log = (line: string) => void;

/**
 * The same workload written as XML (master still YAML), no-op with and without XSD validation. Liquibase reads
 * liquibase.validateXmlChangelogFiles from a system property, so the lever needs no runner change to try.
 */
export async function xmlValidationLever(pg: BenchPostgres, n: number, rounds: number, log: Log): Promise<LeverResult> {
  log(`lever: XSD validation of XML changelogs (same workload as XML, N=${n})`);
  const changelog = writeChangelog(join(workDir, 'changelogs', `xml-${n}`), n, 'xml');
  const db = await pg.createDatabase(`head_xml_${n}`);
  checkRunner(await runMeasured(runnerCommand(db, changelog.dir)), n);
  const variant = (name: string, flags: readonly string[]) => ({
    name, command: () => runnerCommand(db, changelog.dir, { jvmFlags: [...LAMBDA_JVM_FLAGS, ...flags] }),
    check: (s: Parameters<typeof checkRunner>[0]) => checkRunner(s, 0),
  });
  const result = await compareProcesses(`M1 runner, XML changelog`,
    variant('XSD validation on (default)', []),
    [variant('validation off', ['-Dliquibase.validateXmlChangelogFiles=false'])], rounds, log);
  return {
    title: 'XSD validation of XML changelogs',
    kind: 'measured',
    helps: result.helps[0],
    comparisons: result.comparisons,
    note: 'The headline workload is YAML, which has no XSD: this lever matters only to XML changelogs.',
  };
}
