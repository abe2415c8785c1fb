import type { Command } from 'commander';
import type { CommandRunner } from '../lib/command-runner';
import { AWS_HELP, exitCodesHelp } from '../lib/help-text';
import { exitCodeOf } from '../lib/migration-result';
import { decodeResult, noResultYet, readParameter } from '../lib/result-parameter';
import { formatSummary } from '../lib/result-summary';
import { DEFAULT_MIGRATOR_STACK, describeMigratorStack, requireOutput } from '../lib/stack-outputs';

export function registerStatus(program: Command, runner: CommandRunner): void {
  program
    .command('status')
    .description('show the last MigrationResult: status, reason, applied and pending, duration, trigger and time')
    .option('--stack <name>', 'the MIGRATOR stack (the one with the ResultParameterName output)', DEFAULT_MIGRATOR_STACK)
    .option('--json', 'print the raw MigrationResult as one JSON line')
    .addHelpText('after', `${exitCodesHelp('status exits 1 when the last run FAILED, or when no run is recorded yet.')}\n${AWS_HELP}`)
    .action((options: { stack: string }, command: Command) =>
      runner.run(command, async ({ out, clients, region }) => {
        const stack = await describeMigratorStack(clients.cloudFormation, options.stack, await region());
        const parameterName = requireOutput(stack, 'ResultParameterName');
        const stored = await readParameter(clients.ssm, parameterName, stack.region);
        if (!stored) throw noResultYet(parameterName);
        const { result, version, modifiedAt } = decodeResult(parameterName, stored);
        if (out.json) {
          out.jsonLine(result);
        } else {
          out.say(`Last run recorded by ${stack.stackName}${stack.region ? ` (${stack.region})` : ''}`);
          const written = modifiedAt ? `, written ${modifiedAt.toISOString()}` : '';
          out.say(formatSummary(result, `SSM ${parameterName} (version ${version}${written})`));
        }
        return exitCodeOf(result);
      }),
    );
}
