import type { Command } from 'commander';
import type { CommandRunner } from '../lib/command-runner';
import type { CheckResult } from '../lib/doctor/check';
import { REQUIRED_SERVICES } from '../lib/doctor/network-check';
import { runDoctor } from '../lib/doctor/run-doctor';
import { AWS_HELP, exitCodesHelp } from '../lib/help-text';
import { DEFAULT_MIGRATOR_STACK } from '../lib/stack-outputs';

const HELP = `
Checks, in order, each reported as PASS or FAIL (with the fix), or SKIP when an earlier failure hides its input:
  stack              the migrator stack exists, finished its last deploy, and has the CLI's outputs
  runner function    the Java runner exists and is usable
  database secret    the runner's DB_SECRET_ARN exists, the caller can read it, and it has host, port,
                     username, password and dbname (the value is never printed or kept)
  event rules        the deploy rule (default bus) and the replay rule (migrator bus) are enabled and target the runner
  network            the runner's subnets reach ${REQUIRED_SERVICES.join(', ')}: interface endpoints or a NAT gateway
  dead-letter queue  is empty (a message is a run that crashed, or an event that was not delivered)
  result parameter   the last result can be read and matches the schema
${exitCodesHelp('doctor exits 1 when any check fails.')}
${AWS_HELP}`;

function line(result: CheckResult): string {
  const head = `${result.status.toUpperCase().padEnd(4)}  ${result.name.padEnd(17)}  ${result.detail}`;
  return result.fix ? `${head}\n${' '.repeat(25)}fix: ${result.fix}` : head;
}

export function registerDoctor(program: Command, runner: CommandRunner): void {
  program
    .command('doctor')
    .description('check the deployed migrator: stack, secret, rules, network, dead-letter queue, last result')
    .option('--stack <name>', 'the MIGRATOR stack', DEFAULT_MIGRATOR_STACK)
    .option('--json', 'one JSON line per check: {"name", "status", "detail", "fix"}')
    .addHelpText('after', HELP)
    .action((options: { stack: string }, command: Command) =>
      runner.run(command, async ({ out, clients, region }) => {
        out.say(`Checking the migrator stack ${options.stack}${(await region()) ? ` in ${await region()}` : ''}`);
        const results = await runDoctor(clients, options.stack, (result) => (out.json ? out.jsonLine(result) : out.say(line(result))));
        const count = (status: string): number => results.filter((r) => r.status === status).length;
        const skipped = count('skip');
        out.say(`${count('pass')} passed, ${count('fail')} failed${skipped ? `, ${skipped} skipped` : ''}`);
        return count('fail') > 0 || skipped > 0 ? 1 : 0;
      }),
    );
}
