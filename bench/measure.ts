import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { workDir } from './config';

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface Sample {
  readonly ms: number;
  /** Peak resident set size in KiB, or null where it could not be read. */
  readonly peakRssKb: number | null;
  readonly exitCode: number;
  readonly stdout: string;
  /** The last few KiB only: a full apply logs a line per changeset. */
  readonly stderrTail: string;
}

const GNU_TIME = '/usr/bin/time';
const STDERR_TAIL = 8192;

/**
 * The environment every measured process gets, and nothing more. Liquibase 4.33 re-reads all environment
 * variables on each configuration lookup, so a process's speed depends on how many there are: every arm gets
 * the same short list, about the size of a Lambda function's environment.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'JAVA_HOME', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

let sequence = 0;

/**
 * Runs one whole process and times it from spawn to exit. Peak RSS comes from GNU time's %M where it exists;
 * otherwise from polling the process's VmHWM, which only misses growth in its last few milliseconds.
 */
export function runMeasured(command: Command): Promise<Sample> {
  const rssFile = join(workDir, `rss-${process.pid}-${sequence++}.txt`);
  const useTime = existsSync(GNU_TIME);
  const [cmd, args] = useTime
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command.cmd, ...command.args]]
    : [command.cmd, [...command.args]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    let polledKb: number | null = null;
    const poll = useTime ? undefined : setInterval(() => {
      const kb = readVmHwm(child.pid);
      if (kb !== null) polledKb = Math.max(polledKb ?? 0, kb);
    }, 20);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
    });
    child.on('error', (error) => {
      if (poll) clearInterval(poll);
      reject(new Error(`cannot start ${command.cmd}: ${error.message}`));
    });
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (poll) clearInterval(poll);
      let peakRssKb = polledKb;
      if (useTime && existsSync(rssFile)) {
        // GNU time appends a "Command exited with non-zero status" line before the figure on failure.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        peakRssKb = Number(lines[lines.length - 1]) || null;
        rmSync(rssFile, { force: true });
      }
      resolve({ ms, peakRssKb, exitCode: code ?? 1, stdout, stderrTail });
    });
  });
}

function readVmHwm(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** One arm of a comparison: how to get its command for a round (which may set up a fresh database), and how to check what it did. */
export interface Arm {
  readonly name: string;
  readonly command: (round: number) => Promise<Command>;
  readonly check: (sample: Sample) => void | Promise<void>;
}

/**
 * Runs every arm once per round, alternating the order (A B C, then C B A, …) so that neither arm always runs
 * right after the other. Round 0 is a warm-up whose figures are dropped: it fills the page cache with the jars,
 * which a measured run should not pay for in one arm only.
 */
export async function alternate(arms: readonly Arm[], rounds: number, log: (line: string) => void)
  : Promise<Record<string, Sample[]>> {
  const samples: Record<string, Sample[]> = Object.fromEntries(arms.map((arm) => [arm.name, []]));
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of order) {
      const command = await arm.command(round);
      const sample = await runMeasured(command);
      await arm.check(sample);
      if (round > 0) samples[arm.name].push(sample);
    }
    if (round > 0) {
      log(`    round ${round}/${rounds}: ${arms.map((a) => `${a.name} ${fmtMs(samples[a.name][round - 1].ms)}`).join(', ')}`);
    }
  }
  return samples;
}

export function fmtMs(ms: number): string {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function failure(what: string, sample: Sample): Error {
  return new Error(`${what} (exit ${sample.exitCode}). stdout: ${sample.stdout.slice(-1500)}\nstderr: ${sample.stderrTail.slice(-3000)}`);
}
