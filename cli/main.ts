import { Command, CommanderError } from 'commander';
import { registerDoctor } from './commands/doctor';
import { registerHistory } from './commands/history';
import { registerLocal } from './commands/local';
import { registerReplay } from './commands/replay';
import { registerStatus } from './commands/status';
import { type CliDeps, defaultDeps } from './lib/cli-deps';
import { CommandRunner } from './lib/command-runner';
import { EXIT_OK, EXIT_USAGE } from './lib/errors';
import { exitCodesHelp } from './lib/help-text';

function buildProgram(runner: CommandRunner): Command {
  const { streams } = runner.deps;
  const program = new Command('db-migrator')
    .description('Operate db-migrator: read results, replay runs, check the deployment, run locally.')
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .configureOutput({
      writeOut: (text) => void streams.stdout.write(text),
      writeErr: (text) => void streams.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${exitCodesHelp()}\n\nRun \`db-migrator <command> --help\` for a command's options.`);
  registerStatus(program, runner);
  registerHistory(program, runner);
  registerReplay(program, runner);
  registerDoctor(program, runner);
  registerLocal(program, runner);
  return program;
}

/** Runs one command line (without the node and script words) and returns the exit code; never exits itself. */
export async function runCli(argv: readonly string[], deps: Partial<CliDeps> = {}): Promise<number> {
  const runner = new CommandRunner({ ...defaultDeps(), ...deps });
  const program = buildProgram(runner);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version are successes; any other complaint of commander's is about the command line.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
  return runner.exitCode;
}
