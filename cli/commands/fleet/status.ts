import type { Command } from 'commander';
import type { CommandRunner } from '../../lib/command-runner';
import { formatFleetStatus } from '../../lib/fleet/fleet-status-format';
import { fleetStatusExitCode, readFleetStatus } from '../../lib/fleet/fleet-status-view';
import { AWS_HELP, exitCodesHelp } from '../../lib/help-text';
import { DEFAULT_MIGRATOR_STACK, describeMigratorStack } from '../../lib/stack-outputs';

const HELP = `
Shows the last fleet run from the fleet result parameter (a FleetSummary): its verdict, the counts by status,
the targets that failed or were skipped and why (truncated to fit; the full list is in S3 under "results"),
and the execution's console link. It also lists the executions in flight, and says so when the latest one
ended FAILED, TIMED_OUT or ABORTED without writing a summary (e.g. after \`fleet stop\`).
With --json, one line: {"summary": FleetSummary|null, "inFlight": [...], "endedWithoutSummary": ...|null, ...}.
${exitCodesHelp('fleet status exits 1 when the last fleet run FAILED, when the latest execution ended without a summary,\n  or when nothing is recorded and nothing is running.')}
${AWS_HELP}`;

export function registerFleetStatus(fleet: Command, runner: CommandRunner): void {
  fleet
    .command('status')
    .description('show the last fleet run: counts, failed and skipped targets with reasons, console link, runs in flight')
    .option('--stack <name>', 'the stack that holds the fleet migrator (with the FleetStateMachineArn output)', DEFAULT_MIGRATOR_STACK)
    .option('--json', 'print one JSON line (see below)')
    .addHelpText('after', HELP)
    .action((options: { stack: string }, command: Command) =>
      runner.run(command, async ({ out, clients, region }) => {
        const stack = await describeMigratorStack(clients.cloudFormation, options.stack, await region());
        const view = await readFleetStatus(clients, stack);
        const code = fleetStatusExitCode(view);
        if (out.json) out.jsonLine(view);
        else out.say(formatFleetStatus(view));
        return code;
      }),
    );
}
