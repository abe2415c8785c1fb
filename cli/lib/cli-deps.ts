import { AwsClients, type AwsOptions } from './aws-clients';
import type { CliStreams } from './output';

/** Everything a command touches outside itself, so tests can run the real commands in-process. */
export interface CliDeps {
  readonly streams: CliStreams;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly createClients: (options: AwsOptions) => AwsClients;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export function defaultDeps(): CliDeps {
  return {
    streams: { stdout: process.stdout, stderr: process.stderr },
    env: process.env,
    createClients: (options) => new AwsClients(options),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
