import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Tools that must not be needed to synthesize: the test proves synth runs without each. */
export const ABSENT_TOOLS = ['java', 'mvn', 'docker', 'esbuild'] as const;

/**
 * A folder to use as the whole PATH, holding `node` (the running one) and, if asked, the named tools found on
 * the current PATH: nothing else resolves by name.
 */
export function pathWith(dir: string, extra: readonly string[] = []): string {
  mkdirSync(dir, { recursive: true });
  symlinkSync(process.execPath, join(dir, 'node'));
  for (const tool of extra) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!found) throw new Error(`${tool} is not on the PATH of the test`);
    symlinkSync(found, join(dir, tool));
  }
  return dir;
}

/** What `command -v` finds for node and the absent tools under `path`, one line each, as a shell shows it. */
export function lookUpTools(path: string): { lines: string[]; found: Record<string, boolean> } {
  const found: Record<string, boolean> = {};
  const lines: string[] = [];
  for (const tool of ['node', ...ABSENT_TOOLS]) {
    const run = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { env: { PATH: path }, encoding: 'utf8' });
    found[tool] = run.status === 0;
    lines.push(`${tool}: ${run.status === 0 ? run.stdout.trim() : 'not found'}`);
  }
  return { lines, found };
}
