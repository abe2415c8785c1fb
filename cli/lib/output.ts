/** Where the CLI writes; injected so tests can capture it and see whether stderr is a terminal. */
export interface CliStreams {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown; readonly isTTY?: boolean };
}

/**
 * With --json, stdout carries only JSON lines (one value per line), so a script can parse it; everything
 * meant for people then goes to stderr.
 */
export class Output {
  constructor(
    readonly streams: CliStreams,
    readonly json: boolean,
  ) {}

  /** A line for people: stdout normally, stderr with --json. */
  say(line = ''): void {
    (this.json ? this.streams.stderr : this.streams.stdout).write(`${line}\n`);
  }

  /** Diagnostics and progress: always stderr. */
  log(line: string): void {
    this.streams.stderr.write(`${line}\n`);
  }

  jsonLine(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value)}\n`);
  }
}
