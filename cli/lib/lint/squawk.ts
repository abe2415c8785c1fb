import { spawn } from 'node:child_process';
import { CliError } from '../errors';
import type { RuleSelection } from './rules';

/**
 * squawk's platform packages: squawk-cli ships its binary in these, nothing is downloaded. The package depends on
 * the linux-x64 one (the platform of Lambda's build hosts and of CI here); on another platform, install that
 * platform's package of the same version next to it.
 */
export const SQUAWK_VERSION = '2.66.0';
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'darwin-x64': '@squawk-cli/darwin-x64',
  'darwin-arm64': '@squawk-cli/darwin-arm64',
  'linux-x64': '@squawk-cli/linux-x64',
  'linux-arm64': '@squawk-cli/linux-arm64',
  'win32-x64': '@squawk-cli/win32-x64',
};

/** One of squawk's findings, as its JSON reporter writes it (lines and columns from 0). */
export interface SquawkViolation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly level: string;
  readonly message: string;
  readonly help: string | null;
  readonly rule_name: string;
}

export function squawkBinary(): string {
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORM_PACKAGES[key];
  if (!pkg) throw new CliError(`squawk has no binary for ${key}; it ships for ${Object.keys(PLATFORM_PACKAGES).join(', ')}`);
  try {
    return require.resolve(`${pkg}/bin/${process.platform === 'win32' ? 'squawk.exe' : 'squawk'}`);
  } catch {
    throw new CliError(`squawk's binary package ${pkg} is not installed: npm install --save-dev ${pkg}@${SQUAWK_VERSION}`);
  }
}

export interface SquawkRun {
  readonly files: readonly string[];
  readonly pgVersion: string;
  /** Liquibase runs the changeset in a transaction: squawk judges its statements as inside one. */
  readonly inTransaction: boolean;
  readonly rules: RuleSelection;
}

/** Runs squawk once over many files with one transaction setting; returns its findings. */
export function runSquawk(run: SquawkRun): Promise<SquawkViolation[]> {
  if (run.files.length === 0) return Promise.resolve([]);
  const args = [
    '--reporter', 'json',
    '--pg-version', run.pgVersion,
    ...(run.inTransaction ? ['--assume-in-transaction'] : []),
    ...(run.rules.exclude.length > 0 ? ['--exclude', run.rules.exclude.join(',')] : []),
    ...(run.rules.include.length > 0 ? ['--include', run.rules.include.join(',')] : []),
    ...run.files,
  ];
  const child = spawn(squawkBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new CliError(`cannot start squawk: ${error.message}`)));
    child.on('close', (code) => {
      // 0: no findings, 1: findings; anything else (or no JSON) is squawk refusing its input.
      const text = stdout.trim();
      if ((code === 0 || code === 1) && (text.startsWith('[') || text === '')) {
        resolve(text === '' ? [] : (JSON.parse(text) as SquawkViolation[]));
      } else {
        reject(new CliError(`squawk failed (exit ${code}): ${(stderr || stdout).trim().slice(0, 500)}`, 2));
      }
    });
  });
}
