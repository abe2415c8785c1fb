import type { Command } from 'commander';
import type { CommandRunner } from '../lib/command-runner';
import { AWS_HELP, exitCodesHelp } from '../lib/help-text';
import { formatHistoryTable } from '../lib/history-table';
import { positiveInteger } from '../lib/option-parsers';
import { readHistory } from '../lib/result-history';
import { DEFAULT_MIGRATOR_STACK, describeMigratorStack, requireOutput } from '../lib/stack-outputs';

/** SSM keeps the last 100 versions of a parameter. */
const MAX_VERSIONS = 100;

export function registerHistory(program: Command, runner: CommandRunner): void {
  program
    .command('history')
    .description('list past runs, newest first, one a line (the result parameter\'s version history)')
    .option('--stack <name>', 'the MIGRATOR stack (the one with the ResultParameterName output)', DEFAULT_MIGRATOR_STACK)
    .option('--limit <n>', `how many runs to show (at most ${MAX_VERSIONS}, all SSM keeps)`, positiveInteger(MAX_VERSIONS), 20)
    .option('--json', 'one JSON line per run: {"version", "modifiedAt", "result"}, or "problems" for a malformed one')
    .addHelpText(
      'after',
      `${exitCodesHelp('history exits 0 when it could read the history, even an empty one or one with a malformed version.')}\n${AWS_HELP}`,
    )
    .action((options: { stack: string; limit: number }, command: Command) =>
      runner.run(command, async ({ out, clients, region }) => {
        const stack = await describeMigratorStack(clients.cloudFormation, options.stack, await region());
        const parameterName = requireOutput(stack, 'ResultParameterName');
        const entries = (await readHistory(clients.ssm, parameterName, stack.region, options.limit)) ?? [];
        if (entries.length === 0) {
          out.log(`no runs recorded yet: parameter ${parameterName} does not exist (the runner creates it on its first run)`);
          return 0;
        }
        if (out.json) {
          for (const entry of entries) {
            out.jsonLine({ version: entry.version, modifiedAt: entry.modifiedAt?.toISOString() ?? null, ...(entry.result ? { result: entry.result } : { problems: entry.problems }) });
          }
        } else {
          out.say(formatHistoryTable(entries));
        }
        const malformed = entries.filter((e) => !e.result).map((e) => e.version);
        if (malformed.length > 0) {
          out.log(
            `warning: version(s) ${malformed.join(', ')} of ${parameterName} are not valid MigrationResults ` +
              '(written by hand or by a foreign tool?); the runner only ever writes valid ones',
          );
        }
        return 0;
      }),
    );
}
