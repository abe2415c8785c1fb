import type { Command } from 'commander';
import type { CommandRunner } from '../../lib/command-runner';
import { UsageError } from '../../lib/errors';
import { runningExecutions, stopExecution } from '../../lib/fleet/fleet-executions';
import { requireFleetOutput } from '../../lib/fleet/fleet-stack';
import { AWS_HELP, exitCodesHelp } from '../../lib/help-text';
import { MAX_REASON_LENGTH } from '../../../handlers/lib/replay-input';
import { DEFAULT_MIGRATOR_STACK, describeMigratorStack } from '../../lib/stack-outputs';

const HELP = `
Stops every running execution of the fleet state machine (StopExecution): no further target starts. A target
whose run has already started finishes it (a Lambda invocation is not interrupted; its advisory lock and the
runner's time budget bound it). A stopped execution writes no summary; \`fleet status\` then reports it as
ABORTED, and the fleet's alert fires. Resume with \`fleet replay\` (every target, or --failed-only).
With --json, one line: {"stopped": [{"executionArn", "name", "stoppedAt", "consoleUrl"}]}.
${exitCodesHelp('fleet stop exits 0 when nothing was running: there was nothing to stop.')}
${AWS_HELP}`;

export function registerFleetStop(fleet: Command, runner: CommandRunner): void {
  fleet
    .command('stop')
    .description('stop the fleet rollout in flight: every running execution of the fleet state machine')
    .option('--stack <name>', 'the stack that holds the fleet migrator (with the FleetStateMachineArn output)', DEFAULT_MIGRATOR_STACK)
    .option('--reason <text>', `why, recorded as the executions' stop cause (at most ${MAX_REASON_LENGTH} characters)`)
    .option('--json', 'print one JSON line (see below)')
    .addHelpText('after', HELP)
    .action((options: { stack: string; reason?: string }, command: Command) =>
      runner.run(command, async ({ out, clients, region }) => {
        const reason = options.reason?.trim() ?? '';
        if (reason.length > MAX_REASON_LENGTH) throw new UsageError(`--reason is ${reason.length} characters; at most ${MAX_REASON_LENGTH}`);
        const stack = await describeMigratorStack(clients.cloudFormation, options.stack, await region());
        const stateMachineArn = requireFleetOutput(stack, 'FleetStateMachineArn');
        const running = await runningExecutions(clients.sfn, stateMachineArn, stack.region);
        const cause = `stopped by db-migrator fleet stop${reason ? `: ${reason}` : ''}`;
        const stopped = [];
        for (const execution of running) {
          const stoppedAt = await stopExecution(clients.sfn, execution.executionArn, stack.region, cause);
          stopped.push({ executionArn: execution.executionArn, name: execution.name, stoppedAt: stoppedAt?.toISOString() ?? null, consoleUrl: execution.consoleUrl });
          out.say(`stopped ${execution.name} (running since ${execution.startedAt ?? 'unknown'}): ${execution.consoleUrl}`);
        }
        if (running.length === 0) out.say(`nothing to stop: no execution of ${stateMachineArn} is running`);
        else out.say('Targets already started finish their run; no other target starts. Check with: db-migrator fleet status');
        if (out.json) out.jsonLine({ stopped });
        return 0;
      }),
    );
}
