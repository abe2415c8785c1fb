import type { Command } from 'commander';
import { startArchiveReplay, replayNameFor } from '../lib/archive-replay';
import type { ActionEnv, CommandRunner } from '../lib/command-runner';
import { UsageError } from '../lib/errors';
import { AWS_HELP, exitCodesHelp } from '../lib/help-text';
import { exitCodeOf, type MigrationResult } from '../lib/migration-result';
import { positiveSeconds } from '../lib/option-parsers';
import { createProgress } from '../lib/progress';
import { readParameter } from '../lib/result-parameter';
import { formatSummary } from '../lib/result-summary';
import { checkWatchedStack, publishReplay } from '../lib/replay-publish';
import { DEFAULT_MIGRATOR_STACK, describeMigratorStack, type MigratorStack, requireOutput } from '../lib/stack-outputs';
import { parseSince } from '../lib/time-input';
import { waitForResult } from '../lib/wait-for-result';

interface ReplayOptions {
  stack: string;
  migratorStack: string;
  dryRun?: boolean;
  reason?: string;
  wait?: boolean;
  timeout: number;
  poll: number;
  fromArchive?: boolean;
  since?: string;
  until?: string;
}

const HELP = `
--stack names the WATCHED stack to migrate for (an application or database stack), not the migrator stack.
The migrator stack (default "db-migrator") is where the CLI finds the bus, the runner function and the result
parameter; name it with --migrator-stack. The watched stacks are read from the runner function's
WATCHED_STACKS variable, the same list its rules were built from, and the request takes the same code path as
the replay Lambda: a stack that is not watched is refused before anything is published.

Whether the run migrates is the runner's decision (a stack in progress is SKIPPED). With --wait the CLI
polls the result parameter until the runner has written the result of THIS request (matched by event id),
prints it, and exits with its status's code. With --json, the first line is {"replayRequested": {...}} and,
with --wait, the second line is the MigrationResult.

--from-archive re-sends the archived CloudFormation events from --since (an ISO time, or an age like 6h) to
--until (default now) to the migrator's main rule only, as if those deploys had just finished. It needs the
migrator stack's ArchiveName and MainRuleArn outputs. The window covers every watched stack's events, not only
--stack's; --dry-run does not apply (the original events are replayed as they were).
${exitCodesHelp("without --wait, replay exits 0 once the request is published; with --wait, with the run's code\n  (1 when --timeout passes first).")}
${AWS_HELP}`;

export function registerReplay(program: Command, runner: CommandRunner): void {
  program
    .command('replay')
    .description('re-run the migration for a watched stack, now (or replay archived deploy events)')
    .requiredOption('--stack <name>', 'the WATCHED stack whose migration to re-run (not the migrator stack)')
    .option('--migrator-stack <name>', 'the migrator stack, whose outputs name the bus and runner', DEFAULT_MIGRATOR_STACK)
    .option('--dry-run', 'ask for a plan: the runner lists pending changesets and applies nothing (ends PLANNED)')
    .option('--reason <text>', 'why, recorded in the result (at most 256 characters)')
    .option('--wait', 'wait for the result and print it')
    .option('--timeout <seconds>', 'how long --wait waits', positiveSeconds, 900)
    .option('--poll <seconds>', 'how often --wait reads the result parameter', positiveSeconds, 5)
    .option('--from-archive', 'replay the archived CloudFormation events instead of sending a replay request')
    .option('--since <time>', 'with --from-archive: start of the window (ISO-8601, or an age such as 30m, 6h, 2d)')
    .option('--until <time>', 'with --from-archive: end of the window (default: now)')
    .option('--json', 'JSON lines on stdout (see below)')
    .addHelpText('after', HELP)
    .action((options: ReplayOptions, command: Command) =>
      runner.run(command, async (env) => {
        checkCombination(options);
        const migrator = await describeMigratorStack(env.clients.cloudFormation, options.migratorStack, await env.region(), '--migrator-stack');
        return options.fromArchive ? replayFromArchive(env, migrator, options) : replayNow(env, migrator, options);
      }),
    );
}

/** The --stack a follow-up command needs; nothing for the default migrator stack. */
function stackFlag(migrator: MigratorStack): string {
  return migrator.stackName === DEFAULT_MIGRATOR_STACK ? '' : ` --stack ${migrator.stackName}`;
}

function checkCombination(options: ReplayOptions): void {
  if (options.fromArchive) {
    if (!options.since) throw new UsageError('--from-archive needs --since <time>: the start of the window to replay');
    if (options.dryRun) throw new UsageError('--dry-run cannot be combined with --from-archive: archived deploy events are replayed as they were');
  } else if (options.since || options.until) {
    throw new UsageError('--since and --until only apply with --from-archive');
  }
}

async function versionBefore(env: ActionEnv, migrator: MigratorStack, wait: boolean): Promise<number> {
  if (!wait) return 0;
  const stored = await readParameter(env.clients.ssm, requireOutput(migrator, 'ResultParameterName'), migrator.region);
  return stored?.version ?? 0;
}

async function replayNow(env: ActionEnv, migrator: MigratorStack, options: ReplayOptions): Promise<number> {
  const { out } = env;
  const before = await versionBefore(env, migrator, options.wait === true);
  const replay = await publishReplay(env.clients, migrator, {
    stackName: options.stack,
    dryRun: options.dryRun === true,
    reason: options.reason,
  });
  if (out.json) out.jsonLine({ replayRequested: replay });
  out.say(
    `Replay requested for ${replay.stackName} (now ${replay.stackStatus})${replay.dryRun ? ' as a dry run' : ''}: ` +
      `event ${replay.eventId} on bus ${requireOutput(migrator, 'EventBusName')}`,
  );
  if (!options.wait) {
    out.say(`The runner decides whether it migrates. Follow it with: db-migrator status${stackFlag(migrator)}`);
    return 0;
  }
  return waitAndReport(env, migrator, options, before, (result) => result.trigger.eventId === replay.eventId);
}

async function replayFromArchive(env: ActionEnv, migrator: MigratorStack, options: ReplayOptions): Promise<number> {
  const { out, deps } = env;
  const archiveName = requireOutput(migrator, 'ArchiveName');
  const mainRuleArn = requireOutput(migrator, 'MainRuleArn');
  const now = deps.now();
  const since = parseSince(options.since as string, now);
  const until = options.until ? parseSince(options.until, now) : new Date(now);
  if (since >= until) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  const stack = await checkWatchedStack(env.clients, migrator, options.stack);
  const before = await versionBefore(env, migrator, options.wait === true);
  const started = await startArchiveReplay(env.clients.eventBridge, migrator.region, {
    archiveName,
    mainRuleArn,
    since,
    until,
    replayName: replayNameFor(stack.stackName, new Date(now)),
  });
  if (out.json) out.jsonLine({ archiveReplayStarted: { ...started, since: since.toISOString(), until: until.toISOString() } });
  out.say(
    `Archive replay ${started.replayName} ${started.state ?? 'started'}: the CloudFormation events from ` +
      `${since.toISOString()} to ${until.toISOString()} go to rule ${mainRuleArn}`,
  );
  if (!options.wait) {
    out.say(`Follow it with: aws events describe-replay --replay-name ${started.replayName}, then db-migrator status${stackFlag(migrator)}`);
    return 0;
  }
  return waitAndReport(
    env,
    migrator,
    options,
    before,
    (result) => result.trigger.type === 'CLOUDFORMATION' && result.trigger.stackName === stack.stackName,
  );
}

async function waitAndReport(
  env: ActionEnv,
  migrator: MigratorStack,
  options: ReplayOptions,
  afterVersion: number,
  accept: (result: MigrationResult) => boolean,
): Promise<number> {
  const { out, deps, clients } = env;
  const parameterName = requireOutput(migrator, 'ResultParameterName');
  const progress = createProgress(deps.streams.stderr);
  let stored;
  try {
    stored = await waitForResult({
      ssm: clients.ssm,
      parameterName,
      region: migrator.region,
      afterVersion,
      accept,
      timeoutMs: options.timeout * 1000,
      pollMs: options.poll * 1000,
      now: deps.now,
      sleep: deps.sleep,
      onPoll: (elapsed) => progress.update(`waiting for the runner's result… ${Math.round(elapsed / 1000)} s`),
      onOtherRun: (other) => {
        progress.done();
        out.log(`version ${other.version} is another run's result (${other.result.trigger.type}, ${other.result.status}); still waiting`);
      },
    });
  } finally {
    progress.done();
  }
  if (out.json) {
    out.jsonLine(stored.result);
  } else {
    out.say('');
    out.say(formatSummary(stored.result, `SSM ${parameterName} (version ${stored.version})`));
  }
  return exitCodeOf(stored.result);
}
