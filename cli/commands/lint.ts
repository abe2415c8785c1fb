import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ensureRunnerBuilt } from '../local/runner-process';
import type { ActionEnv, CommandRunner } from '../lib/command-runner';
import { parseDatabaseUrl } from '../lib/database-url';
import { type DatabaseSecret, fetchDatabaseSecret } from '../lib/db-secret';
import { startEmbeddedDatabase } from '../lib/embedded-database';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../lib/errors';
import { AWS_HELP, exitCodesHelp } from '../lib/help-text';
import { readBaseline, writeBaseline } from '../lib/lint/baseline';
import { DEFAULT_PG_VERSION, lintChangelog, type LintReport } from '../lib/lint/lint-run';
import { formatReport } from '../lib/lint/report';
import { DEFAULT_EXCLUDED_RULES, selectRules } from '../lib/lint/rules';
import { toSarif } from '../lib/lint/sarif';
import { SQUAWK_VERSION } from '../lib/lint/squawk';
import { checkChangelogDir } from '../lib/local-run';
import { collectParameter } from '../lib/option-parsers';

export const LINT_DESCRIPTION = 'lint the changelog\'s SQL with squawk: changes that break or block live traffic';

/** The throwaway database update-sql runs against, named for what it is. */
const SCRATCH_DATABASE = 'lint';

interface LintOptions {
  changelog: string;
  changelogFile?: string;
  contexts?: string;
  labels?: string;
  parameter: Record<string, string>;
  pgVersion: string;
  rules?: string;
  exclude?: string;
  allRules?: boolean;
  json?: boolean;
  sarif?: boolean;
  baseline?: string;
  writeBaseline?: string;
  pendingAgainst?: string;
  secretId?: string;
  sslMode?: string;
  scratchDatabaseUrl?: string;
  verbose?: boolean;
}

const HELP = `
How it works: Liquibase's update-sql writes each changeset's SQL against an empty embedded PostgreSQL, read as a
role without privileges (nothing is applied, so no changeset's SQL runs); squawk then lints each changeset's SQL,
inside a transaction when the changeset runs in one.

Acknowledging a finding, in the changeset's comment (XML <comment>, YAML/JSON comment:, SQL --comment:):
  db-migrator:allow <rule>[, <rule>]: <reason>
The comment is not part of Liquibase's checksum: adding it to an applied changeset is safe.

Rules off by default (turn one back on with --rules NAME, or all with --all-rules):
${Object.entries(DEFAULT_EXCLUDED_RULES).map(([rule, why]) => `  ${rule}: ${why}`).join('\n')}
${exitCodesHelp('lint exits 0 when every finding is acknowledged or in the baseline, 1 when one is not, 2 on bad input.')}
${AWS_HELP}`;

export function registerLint(program: Command, runner: CommandRunner): void {
  program
    .command('lint')
    .description(LINT_DESCRIPTION)
    .addOption(new Option('--changelog <dir>', 'the folder with the master changelog').default('changelog', './changelog'))
    .option('--changelog-file <file>', "the master changelog's path inside --changelog (default db.changelog-master.yaml; XML, YAML, JSON or SQL)")
    .option('--contexts <expression>', 'Liquibase contexts, set before the changelog is parsed')
    .option('--labels <expression>', 'a Liquibase label expression')
    .option('--parameter <name=value>', 'a value for ${name} in the changelog (repeatable)', collectParameter, {})
    .addOption(new Option('--pg-version <version>', 'the PostgreSQL version squawk judges for').default(DEFAULT_PG_VERSION, `${DEFAULT_PG_VERSION}, the demo stack's Aurora`))
    .option('--rules <names>', 'comma-separated squawk rules to turn on (default-off or opt-in ones)')
    .option('--exclude <names>', 'comma-separated squawk rules to turn off')
    .option('--all-rules', 'start from squawk\'s own rule set instead of the default for live traffic')
    .option('--json', 'print the findings as one JSON line')
    .option('--sarif', 'print SARIF 2.1.0 on stdout, for code scanning')
    .option('--baseline <file>', 'fail only on findings that this baseline does not hold')
    .option('--write-baseline <file>', 'record today\'s findings in this file and exit 0')
    .option('--pending-against <database-url>', 'lint only the changesets pending on this database (read only, no lock)')
    .option('--secret-id <arn>', 'lint only the changesets pending on the database of this Secrets Manager secret')
    .option('--ssl-mode <mode>', 'sslmode for --pending-against/--secret-id (default: the URL\'s or prefer)')
    .option('--scratch-database-url <url>', 'an empty database to run update-sql in instead of the embedded one (a role that may create roles)')
    .option('--verbose', 'stream Liquibase\'s log to stderr')
    .addHelpText('after', HELP)
    .action((options: LintOptions, command: Command) => runner.run(command, (env) => runLint(env, options)));
}

async function runLint(env: ActionEnv, options: LintOptions): Promise<number> {
  const { out } = env;
  if (options.json && options.sarif) throw new UsageError('give either --json or --sarif, not both');
  if (options.pendingAgainst && options.secretId) throw new UsageError('give either --pending-against or --secret-id, not both');
  if (options.baseline && options.writeBaseline) throw new UsageError('give either --baseline or --write-baseline, not both');
  if (!/^\d+(\.\d+)?$/.test(options.pgVersion)) throw new UsageError(`--pg-version ${options.pgVersion} is not a PostgreSQL version such as 17.9`);
  const rules = selectRules(options);
  const changelogDir = resolve(options.changelog);
  checkChangelogDir(changelogDir, options.changelogFile);
  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  const pendingOn = await pendingTarget(env, options);
  // Machine output owns stdout: SARIF like JSON.
  const say = (line: string): void => (options.sarif ? out.log(line) : out.say(line));
  ensureRunnerBuilt((line) => out.log(line));

  const held: string[] = [];
  const onLog = (line: string): void => (options.verbose ? out.log(line) : void held.push(line));
  let report: LintReport;
  try {
    report = await withScratchDatabase(env, options, say, (scratch) =>
      lintChangelog({
        changelogDir,
        selection: { changelogFile: options.changelogFile, contexts: options.contexts, labels: options.labels, parameters: options.parameter },
        pgVersion: options.pgVersion,
        rules,
        scratch,
        pendingOn,
        baseline,
        onLog,
      }),
    );
  } catch (error) {
    if (!options.verbose) held.slice(-20).forEach((line) => out.log(line));
    throw error;
  }

  if (report.problems.length > 0) {
    for (const p of report.problems) out.log(`error: ${p.changeset}: cannot read the acknowledgement "${p.text}": ${p.problem}`);
    return EXIT_USAGE;
  }
  if (options.writeBaseline) {
    const recorded = report.findings.filter((f) => f.status !== 'acknowledged');
    writeBaseline(options.writeBaseline, recorded);
    say(`wrote ${recorded.length} finding(s) to the baseline ${options.writeBaseline}`);
    return EXIT_OK;
  }
  if (options.json) out.jsonLine(report);
  else if (options.sarif) out.jsonLine(toSarif(report.findings, changelogDir, process.cwd(), SQUAWK_VERSION));
  formatReport(report).forEach((line) => (options.json ? out.log(line) : say(line)));
  return report.findings.some((f) => f.status === 'new') ? EXIT_FAILED : EXIT_OK;
}

async function pendingTarget(env: ActionEnv, options: LintOptions): Promise<{ secret: DatabaseSecret; sslMode: string } | undefined> {
  if (options.pendingAgainst) {
    const target = parseDatabaseUrl(options.pendingAgainst, env.deps.env);
    return { secret: target.secret, sslMode: options.sslMode ?? target.sslMode ?? 'prefer' };
  }
  if (options.secretId) {
    const secret = await fetchDatabaseSecret(env.clients.secretsManager, options.secretId, await env.region());
    return { secret, sslMode: options.sslMode ?? 'prefer' };
  }
  return undefined;
}

async function withScratchDatabase<T>(env: ActionEnv, options: LintOptions, say: (line: string) => void, work: (scratch: DatabaseSecret) => Promise<T>): Promise<T> {
  if (options.scratchDatabaseUrl) {
    return work(parseDatabaseUrl(options.scratchDatabaseUrl, env.deps.env).secret);
  }
  say('starting an embedded PostgreSQL for update-sql…');
  const pg = await startEmbeddedDatabase();
  const onSignal = (): void => void pg.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await pg.createDatabase(SCRATCH_DATABASE);
    return await work({ host: pg.host, port: pg.port, username: pg.username, password: pg.password, dbname: SCRATCH_DATABASE });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pg.stop();
  }
}

