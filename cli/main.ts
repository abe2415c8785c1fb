import { Command, CommanderError, Help } from 'commander';
import { COMMANDS, requestedCommands } from './commands/catalogue';
import { type CliDeps, defaultDeps } from './lib/cli-deps';
import { CommandRunner } from './lib/command-runner';
import { EXIT_OK, EXIT_USAGE } from './lib/errors';
import { exitCodesHelp } from './lib/help-text';

/**
 * The program with every command listed, and only the `load`ed ones (the one a command line names) fully
 * defined: `db-migrator --help` then loads no AWS SDK at all.
 */
export function buildProgram(runner: CommandRunner, load: (name: string) => boolean): Command {
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
    // Every command takes options; a command not loaded has none registered yet, so the list says so itself.
    .configureHelp({
      subcommandTerm: (command) =>
        (COMMANDS.some((entry) => entry.name === command.name()) ? `${command.name()} [options]` : new Help().subcommandTerm(command)),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${exitCodesHelp()}\n\nRun \`db-migrator <command> --help\` for a command's options.`);
  for (const entry of COMMANDS) {
    if (load(entry.name)) {
      entry.load()(program, runner);
    } else {
      program.command(entry.name).description(entry.description).allowUnknownOption().action(() => {
        throw new Error(`the ${entry.name} command was not loaded`);
      });
    }
  }
  return program;
}

/** Runs one command line (without the node and script words) and returns the exit code; never exits itself. */
export async function runCli(argv: readonly string[], deps: Partial<CliDeps> = {}): Promise<number> {
  const runner = new CommandRunner({ ...defaultDeps(), ...deps });
  const requested = requestedCommands(argv);
  const program = buildProgram(runner, (name) => requested.has(name));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version are successes; any other complaint of commander's is about the command line.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
  return runner.exitCode;
}
