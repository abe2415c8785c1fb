import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = join(__dirname, '..', '..', '..');
const python = join(repoRoot, '.venv', 'bin', 'python');
const lockDir = join(repoRoot, '.local', 'ensure-venv.lock');

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Creates the project's virtualenv with moto on a fresh clone. Jest runs test files in parallel workers, so the
 * script runs under a lock: two pip installs into one virtualenv would break it.
 */
export function ensureVenv(): void {
  mkdirSync(join(repoRoot, '.local'), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock left by a killed run is older than any real install.
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > 15 * 60_000) rmdirSync(lockDir);
      if (Date.now() > deadline) throw new Error(`${lockDir} stayed locked for 15 minutes`);
      sleepSync(500);
    }
  }
  try {
    const setup = spawnSync('bash', [join(repoRoot, 'scripts', 'ensure-venv.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (setup.status !== 0) throw new Error(`scripts/ensure-venv.sh failed (exit ${setup.status ?? setup.signal})`);
  } finally {
    rmdirSync(lockDir);
  }
}

export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts a moto server of this test file's own, on a free loopback port: `server` is a Python script that prints its
 * port on its first line of stdout and stops when its stdin closes (default: the plain moto server beside this file).
 */
export async function startMoto(server: string = join(__dirname, 'moto_server.py')): Promise<Moto> {
  ensureVenv();
  const child: ChildProcessWithoutNullStreams = spawn(python, [server], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  // Drained so a chatty server can never block on a full pipe; the tail explains a failed start.
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moto did not start in 60 s:\n${stderr.join('\n')}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`moto exited (${code}) before it was ready:\n${stderr.join('\n')}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(Number(line.trim()));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.stdin.end();
      }),
  };
}
