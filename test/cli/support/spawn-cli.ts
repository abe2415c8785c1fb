import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');
/** The bin's source, run through tsx: these tests cover the code as it is, not as last built into dist/. */
const bin = join(repoRoot, 'cli', 'bin.ts');
/** Git-ignored: transcripts of real runs, to copy into the operator documentation. */
export const transcriptDir = join(repoRoot, '.local', 'cli-transcripts');

export interface SpawnedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** AWS settings for a local stand-in only: no profile, no real credentials, no instance metadata. */
export function awsEnvFor(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(repoRoot, '.local', 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(repoRoot, '.local', 'no-aws-credentials'),
  };
}

/** Runs the CLI as an operator would, through its bin, in a child process. */
export function spawnCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<SpawnedRun> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'JAVA_HOME']) if (process.env[key]) base[key] = process.env[key] as string;
  // The SDK's notice about future Node versions is not what these transcripts are about.
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), bin, ...args], {
    cwd: repoRoot,
    env: { ...base, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`db-migrator ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Appends a run to a transcript file, shown the way a terminal would show it. */
export function recordTranscript(file: string, args: string[], run: SpawnedRun): void {
  mkdirSync(transcriptDir, { recursive: true });
  const shown = args.map((a) => (/[\s"]/.test(a) ? `'${a}'` : a)).join(' ');
  const text = `$ npx db-migrator ${shown}\n${run.stdout}${run.stderr}[exit ${run.code}]\n\n`;
  appendFileSync(join(transcriptDir, file), text);
}

export function resetTranscript(file: string): void {
  mkdirSync(transcriptDir, { recursive: true });
  writeFileSync(join(transcriptDir, file), '');
}
