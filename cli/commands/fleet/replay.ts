import type { Command } from 'commander';
import { describeStack } from '../../../handlers/lib/stack-lookup';
import type { ActionEnv, CommandRunner } from '../../lib/command-runner';
import { explainAwsError } from '../../lib/aws-errors';
import { UsageError } from '../../lib/errors';
import { requireFleetOutput } from '../../lib/fleet/fleet-stack';
import { readSummary, type StoredSummary } from '../../lib/fleet/fleet-result-parameter';
import { fleetReplayDetail, publishFleetReplay } from '../../lib/fleet/fleet-replay-request';
import { failedTargetIds } from '../../lib/fleet/failed-targets';
import { fleetExitCode } from '../../lib/fleet/fleet-summary';
import { formatFleetStatus } from '../../lib/fleet/fleet-status-format';
import { executionConsoleUrl } from '../../lib/fleet/fleet-executions';
import { waitForFleetRun } from '../../lib/fleet/wait-for-fleet-run';
import { AWS_HELP, exitCodesHelp } from '../../lib/help-text';
import { positiveSeconds } from '../../lib/option-parsers';
import { createProgress } from '../../lib/progress';
import { DEFAULT_MIGRATOR_STACK, describeMigratorStack, type MigratorStack } from '../../lib/stack-outputs';

interface FleetReplayOptions {
  stack?: string;
  migratorStack: string;
  failedOnly?: boolean;
  target?: string[];
  dryRun?: boolean;
  reason?: string;
  wait?: boolean;
  timeout: number;
  poll: number;
}

const HELP = `
Publishes a "Fleet Migration Replay Requested" event on the migrator's bus; the fleet's replay rule starts the
state machine with it. The event carries ids only (the watched stack, the target ids, dryRun, reason): the
targets' databases and credentials come from the manifest and the deployment, never from the request.

--stack names the WATCHED stack the fleet migrates for (default: the last fleet run's); the state machine's
gate decides whether it runs (a stack that is not watched ends SKIPPED, NOT_A_TRIGGER).
--target ID (repeatable) runs only those targets; an id the manifest does not hold ends FAILED (UNKNOWN_TARGET).
--failed-only runs the targets that FAILED or were SKIPPED in the last fleet run, read from its results in S3
(the summary's own list is truncated); it refuses when there is no such run or nothing failed.
Without either, every target of the manifest runs. --dry-run: every target ends PLANNED and nothing is applied.

With --wait the CLI finds the execution this request started (by the event id in its input), polls the fleet
result parameter until that execution's summary is there, prints it and exits with its status's code.
With --json, the first line is {"fleetReplayRequested": {...}} and, with --wait, the second the FleetSummary.
${exitCodesHelp('without --wait, fleet replay exits 0 once the request is published; with --wait, with the fleet\'s code\n  (1 when --timeout passes first, or the execution ends without a summary).')}
${AWS_HELP}`;

export function registerFleetReplay(fleet: Command, runner: CommandRunner): void {
  fleet
    .command('replay')
    .description('re-run the fleet migration: every target, the failed ones (--failed-only), or some (--target)')
    .option('--stack <name>', 'the WATCHED stack to migrate for (default: the last fleet run\'s)')
    .option('--migrator-stack <name>', 'the stack that holds the fleet migrator, whose outputs name the bus and state machine', DEFAULT_MIGRATOR_STACK)
    .option('--failed-only', 'only the targets that FAILED or were SKIPPED in the last fleet run')
    .option('--target <id...>', 'only these target ids (repeatable)')
    .option('--dry-run', 'plan only: every target lists its pending changesets and applies nothing (ends PLANNED)')
    .option('--reason <text>', 'why, recorded in every target\'s result (at most 256 characters)')
    .option('--wait', 'wait for the fleet summary of this request and print it')
    .option('--timeout <seconds>', 'how long --wait waits', positiveSeconds, 3600)
    .option('--poll <seconds>', 'how often --wait looks', positiveSeconds, 10)
    .option('--json', 'JSON lines on stdout (see below)')
    .addHelpText('after', HELP)
    .action((options: FleetReplayOptions, command: Command) =>
      runner.run(command, async (env) => {
        if (options.failedOnly && options.target) throw new UsageError('--failed-only and --target cannot be combined: pick one');
        const migrator = await describeMigratorStack(env.clients.cloudFormation, options.migratorStack, await env.region(), '--migrator-stack');
        return replayFleet(env, migrator, options);
      }),
    );
}

async function replayFleet(env: ActionEnv, migrator: MigratorStack, options: FleetReplayOptions): Promise<number> {
  const { out, clients, deps } = env;
  const busName = requireFleetOutput(migrator, 'EventBusName');
  const stateMachineArn = requireFleetOutput(migrator, 'FleetStateMachineArn');
  const parameterName = requireFleetOutput(migrator, 'FleetResultParameterName');
  const last: StoredSummary | undefined = await readSummary(clients.ssm, parameterName, migrator.region);

  const stackName = options.stack ?? last?.summary.trigger?.stackName ?? undefined;
  if (!stackName) {
    throw new UsageError('name the watched stack to migrate for with --stack: no earlier fleet run names one');
  }
  let targetIds: string[] | null = options.target ?? null;
  if (options.failedOnly) {
    const failed = await failedTargetIds(clients.s3, last?.summary, parameterName, migrator.region);
    failed.warnings.forEach((warning) => out.log(`warning: ${warning}`));
    targetIds = failed.ids;
  }
  const detail = fleetReplayDetail({ stackName, dryRun: options.dryRun === true, reason: options.reason, targetIds });

  let stack;
  try {
    stack = await describeStack(clients.cloudFormation, detail.stackName);
  } catch (error) {
    throw explainAwsError(error, `cloudformation:DescribeStacks on stack ${detail.stackName}`, migrator.region);
  }
  const publishedAt = deps.now();
  const eventId = await publishFleetReplay(clients.eventBridge, busName, detail, migrator.region);
  const request = { eventId, stackName: stack.stackName, stackStatus: stack.stackStatus, dryRun: detail.dryRun, reason: detail.reason, targetIds: detail.targetIds };
  if (out.json) out.jsonLine({ fleetReplayRequested: request });
  const which = detail.targetIds === null ? 'every target' : `${detail.targetIds.length} target(s): ${preview(detail.targetIds)}`;
  out.say(
    `Fleet replay requested for ${stack.stackName} (now ${stack.stackStatus})${detail.dryRun ? ' as a dry run' : ''}, ${which}: ` +
      `event ${eventId} on bus ${busName}`,
  );
  const stackFlag = migrator.stackName === DEFAULT_MIGRATOR_STACK ? '' : ` --stack ${migrator.stackName}`;
  if (!options.wait) {
    out.say(`The state machine's gate decides whether it migrates. Follow it with: db-migrator fleet status${stackFlag}`);
    return 0;
  }

  const progress = createProgress(deps.streams.stderr);
  let outcome;
  try {
    outcome = await waitForFleetRun({
      sfn: clients.sfn,
      ssm: clients.ssm,
      stateMachineArn,
      parameterName,
      region: migrator.region,
      eventId,
      publishedAt,
      afterVersion: last?.version ?? 0,
      timeoutMs: options.timeout * 1000,
      pollMs: options.poll * 1000,
      now: deps.now,
      sleep: deps.sleep,
      onPoll: (elapsed) => progress.update(`waiting for the fleet summary… ${Math.round(elapsed / 1000)} s`),
      onExecution: (execution) => {
        progress.done();
        out.log(`execution ${execution.name} started: ${execution.consoleUrl}`);
      },
      onOtherRun: (other) => {
        progress.done();
        out.log(`version ${other.version} is another execution's summary (${other.summary.status}); still waiting`);
      },
    });
  } finally {
    progress.done();
  }
  const { stored } = outcome;
  if (out.json) {
    out.jsonLine(stored.summary);
  } else {
    out.say('');
    out.say(
      formatFleetStatus({
        stackName: migrator.stackName,
        stateMachineArn,
        resultParameterName: parameterName,
        summary: stored.summary,
        summaryVersion: stored.version,
        summaryWrittenAt: stored.modifiedAt ? stored.modifiedAt.toISOString() : null,
        consoleUrl: executionConsoleUrl(stored.summary.executionArn),
        inFlight: [],
        endedWithoutSummary: null,
      }).replace(/\nin flight: none$/, ''),
    );
  }
  return fleetExitCode(stored.summary);
}

/** A few ids are shown; a long list would bury the line. */
function preview(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}
