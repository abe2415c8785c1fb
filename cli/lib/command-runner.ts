import type { Command } from 'commander';
import type { AwsClients } from './aws-clients';
import { explainAwsError } from './aws-errors';
import type { CliDeps } from './cli-deps';
import { CliError } from './errors';
import { Output } from './output';

export interface ActionEnv {
  readonly out: Output;
  readonly clients: AwsClients;
  readonly deps: CliDeps;
  readonly region: () => Promise<string | undefined>;
}

/** The shared frame of every command: clients from the global options, errors to stderr, one exit code. */
export class CommandRunner {
  exitCode = 0;

  constructor(readonly deps: CliDeps) {}

  async run(command: Command, action: (env: ActionEnv) => Promise<number>): Promise<void> {
    const options = command.optsWithGlobals<{ region?: string; profile?: string; json?: boolean }>();
    const out = new Output(this.deps.streams, options.json === true);
    const clients = this.deps.createClients({ region: options.region, profile: options.profile });
    let region: Promise<string | undefined> | undefined;
    try {
      this.exitCode = await action({ out, clients, deps: this.deps, region: () => (region ??= clients.region()) });
    } catch (error) {
      const explained = error instanceof CliError ? error : explainAwsError(error, `db-migrator ${commandPath(command)}`, await clients.region());
      out.log(`error: ${explained.message}`);
      this.exitCode = explained.exitCode;
    } finally {
      // Closes the SDK's keep-alive sockets, so the process can exit as soon as the command is done.
      clients.destroy();
    }
  }
}

/** A subcommand's full words, e.g. "fleet status": the root program's name is not one of them. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}
