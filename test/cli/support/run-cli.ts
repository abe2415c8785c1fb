import { AwsClients } from '../../../cli/lib/aws-clients';
import { runCli } from '../../../cli/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout split into lines, without the empty tail. */
  readonly lines: string[];
}

export interface RunOptions {
  readonly isTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
  /** A fake clock: `sleep` advances it instead of waiting. */
  readonly clock?: { now: number };
  readonly onSleep?: (ms: number) => void | Promise<void>;
}

/** Runs the real CLI in-process, with its output captured and, optionally, a fake clock. */
export async function cli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const clock = options.clock ?? { now: Date.parse('2025-06-02T12:00:00Z') };
  const code = await runCli(argv, {
    streams: {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk), isTTY: options.isTTY },
    },
    env: options.env ?? {},
    createClients: (aws) => new AwsClients({ ...aws, region: aws.region ?? 'us-east-1' }),
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
      await options.onSleep?.(ms);
    },
  });
  return { code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') };
}

/** Every stdout line must be JSON when --json is given. */
export function jsonLines(run: CliRun): unknown[] {
  return run.lines.map((line) => JSON.parse(line) as unknown);
}
