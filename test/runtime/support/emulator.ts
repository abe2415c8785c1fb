import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { resolveEnvironment, type TemplateFunction } from './cloud-assembly';
import { java21JvmOptions, lambdaReservedEnvironment, RUNTIME_CLIENT_CLASSPATH, RUNTIME_CLIENT_MAIN } from './java21-runtime';
import { ensureLambdaRuntime } from './lambda-runtime';

const SANDBOX_SCRIPT = path.join(__dirname, 'lambda-sandbox.sh');

/**
 * Everything a test may set beyond what the template says, and nothing else:
 * - values for the environment's unresolved CloudFormation expressions (ARNs, names, the bus), by variable;
 * - the AWS endpoint, through the standard AWS_ENDPOINT_URL variable that the AWS SDKs read themselves;
 * - the database's host, port and SSL mode (the embedded PostgreSQL has no TLS).
 */
export interface EmulatorOverrides {
  readonly tokens: Record<string, string>;
  readonly awsEndpoint: string;
  readonly database: { readonly host?: string; readonly port?: number; readonly sslMode: string };
}

export interface Invocation {
  readonly statusCode: number;
  readonly body: string;
  /** The emulator's `INIT REPORT(durationMs: …)` logged during this invocation: the runtime's init phase, cold only. */
  readonly initReportMs?: number;
  /**
   * From the emulator's REPORT line: `Init Duration` (first invocation only) and `Duration`, in ms. This emulator
   * starts the runtime asynchronously, so its `Init Duration` times only the hand-off (well under 1 ms) and a cold
   * invocation's `Duration` includes the wait for the init phase.
   */
  readonly initDurationMs?: number;
  readonly durationMs: number;
  /** The emulator's `INVOKE RTDONE(… duration: …)`: the invoke phase alone, from the event's delivery to the response. */
  readonly invokeMs?: number;
}

export interface Emulator {
  invoke(payload: unknown): Promise<Invocation>;
  /** Everything the emulator and the function wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** The function's environment: the template's literals, the tokens' values, the allowed overrides. */
export function functionEnvironment(fn: TemplateFunction, region: string, overrides: EmulatorOverrides): Record<string, string> {
  const { host, port, sslMode } = overrides.database;
  const environment = resolveEnvironment(fn, overrides.tokens, {
    DB_HOST: host,
    DB_PORT: port === undefined ? undefined : String(port),
    DB_SSL_MODE: sslMode,
  });
  return {
    ...lambdaReservedEnvironment({
      functionName: fn.logicalId,
      handler: fn.handler,
      region,
      memorySizeMb: fn.memorySize,
      timeoutSeconds: fn.timeoutSeconds,
      logFormat: fn.logFormat,
    }),
    ...environment,
    AWS_ENDPOINT_URL: overrides.awsEndpoint,
  };
}

/**
 * Starts a java21 function from the template under AWS's Runtime Interface Emulator, in a private mount and
 * PID namespace laid out as the managed runtime's (see lambda-sandbox.sh). The JVM starts on the first
 * invocation, as Lambda's cold start does.
 */
export async function startJavaEmulator(fn: TemplateFunction, region: string, overrides: EmulatorOverrides): Promise<Emulator> {
  if (fn.runtime !== 'java21') throw new Error(`${fn.logicalId} is ${fn.runtime}, not java21`);
  const pieces = ensureLambdaRuntime();
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-lambda-'));
  const envFile = path.join(sandbox, 'function.env');
  const environment = functionEnvironment(fn, region, overrides);
  fs.writeFileSync(envFile, Object.entries(environment).map(([k, v]) => `${k}=${v}\0`).join(''), { mode: 0o600 });
  const [emulatorPort, runtimeApiPort] = [await freePort(), await freePort()];

  const unshare = ['--mount', '--propagation', 'private', '--pid', '--fork'];
  if (process.getuid?.() !== 0) unshare.push('--user', '--map-root-user');
  const child: ChildProcessWithoutNullStreams = spawn(
    'unshare',
    [
      ...unshare,
      'bash',
      SANDBOX_SCRIPT,
      ...java21JvmOptions(fn.memorySize),
      '-cp',
      RUNTIME_CLIENT_CLASSPATH,
      RUNTIME_CLIENT_MAIN,
      fn.handler,
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        SANDBOX: sandbox,
        CODE_DIR: fn.codeDir,
        LAYER_DIRS: fn.layerDirs.join(':'),
        JDK_HOME: javaHome(),
        RUNTIME_CLIENT_LIB: pieces.runtimeClientLib,
        EMULATOR: pieces.emulator,
        FUNCTION_ENV: envFile,
        EMULATOR_ADDRESS: `127.0.0.1:${emulatorPort}`,
        RUNTIME_API_ADDRESS: `127.0.0.1:${runtimeApiPort}`,
      },
    },
  );
  const lines: string[] = [];
  const reports = new Map<string, string>();
  const initReports: number[] = [];
  const invokeDurations = new Map<string, number>();
  let invoking: string | undefined;
  let initPhase: string | undefined;
  const collect = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      const report = /^REPORT RequestId: (\S+)/.exec(line);
      if (report) reports.set(report[1], line);
      // A failed init is retried inside the first invocation ("phase: invoke"); only the init phase counts.
      const initStart = /INIT START\(.*phase: (\w+)\)/.exec(line);
      if (initStart) initPhase = initStart[1];
      const invokeStart = /INVOKE START\(requestId: ([^)]+)\)/.exec(line);
      if (invokeStart) invoking = invokeStart[1];
      const invokeDone = /INVOKE RTDONE\(.*duration: ([\d.]+)ms\)/.exec(line);
      if (invokeDone && invoking) invokeDurations.set(invoking, Number(invokeDone[1]));
      const initReport = /INIT REPORT\(durationMs: ([\d.]+)\)/.exec(line);
      if (initReport && initPhase === 'init') initReports.push(Number(initReport[1]));
    });
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.stdin.end();
      await exited;
      clearTimeout(kill);
    }
    removeSandbox(sandbox);
  };

  try {
    await waitForPort(emulatorPort, child, lines);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `http://127.0.0.1:${emulatorPort}/2015-03-31/functions/function/invocations`;
  return {
    async invoke(payload: unknown): Promise<Invocation> {
      const requestId = randomUUID();
      const initReportsBefore = initReports.length;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'X-Amzn-RequestId': requestId },
        body: typeof payload === 'string' ? payload : JSON.stringify(payload),
        signal: AbortSignal.timeout(fn.timeoutSeconds * 1000 + 30_000),
      });
      const body = await response.text();
      const report = await waitFor(() => reports.get(requestId), 10_000, `the emulator's REPORT for ${requestId}`);
      return {
        statusCode: response.status,
        body,
        initReportMs: initReports.length > initReportsBefore ? initReports[initReportsBefore] : undefined,
        initDurationMs: number(/Init Duration: ([\d.]+) ms/.exec(report)?.[1]),
        durationMs: number(/\tDuration: ([\d.]+) ms/.exec(report)?.[1]) as number,
        invokeMs: invokeDurations.get(requestId),
      };
    },
    output: () => lines.join('\n'),
    stop,
  };
}

/** The host's JDK: JAVA_HOME, or the home of the `java` on the PATH. */
function javaHome(): string {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  const found = spawnSync('bash', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('the Lambda runtime tests need a JDK 17 or newer: set JAVA_HOME or put java on the PATH');
  return path.dirname(path.dirname(fs.realpathSync(found)));
}

/**
 * The sandbox's mount points are empty folders outside the private namespace, and the namespace is gone once the
 * emulator has exited. Refuse to delete anything that still shows content behind a mount point.
 */
function removeSandbox(sandbox: string): void {
  const root = path.join(sandbox, 'root');
  for (const mountPoint of ['usr', 'etc', 'var/task', 'var/lang', 'opt']) {
    const dir = path.join(root, mountPoint);
    if (fs.existsSync(dir) && !fs.lstatSync(dir).isSymbolicLink() && fs.readdirSync(dir).length > 0) {
      throw new Error(`${dir} is still mounted; not removing ${sandbox}`);
    }
  }
  fs.rmSync(sandbox, { recursive: true, force: true });
}

function number(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcessWithoutNullStreams, lines: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const hint = lines.some((line) => line.startsWith('unshare:'))
        ? '\nthe Lambda runtime tests need Linux mount and PID namespaces: run them as root, or allow unprivileged user namespaces'
        : '';
      throw new Error(`the emulator exited (${child.exitCode ?? child.signalCode}):\n${lines.slice(-40).join('\n')}${hint}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the emulator did not listen on ${port} within 30 s:\n${lines.slice(-40).join('\n')}`);
}

async function waitFor<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
