/**
 * The lint's wall-clock time through the bin (embedded PostgreSQL start, update-sql, squawk), on the project's
 * changelog and on a generated one: `npm run bench:lint [-- CHANGESETS]` (default 1000).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeChangelog } from './changelog';

const repoRoot = join(__dirname, '..');
const changesets = Number(process.argv[2] ?? 1000);

function timeLint(label: string, args: string[]): void {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), join(repoRoot, 'cli', 'bin.ts'), 'lint', ...args, '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = run.stdout ? (JSON.parse(run.stdout) as { linted: number; findings: Array<{ rule: string }> }) : undefined;
  const rules = new Map<string, number>();
  for (const f of report?.findings ?? []) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
  process.stdout.write(`${label}: ${report?.linted ?? '?'} changesets linted in ${seconds.toFixed(1)} s (exit ${run.status}; `
    + `${report?.findings.length ?? '?'} findings${rules.size ? `: ${[...rules].map(([r, n]) => `${r} ${n}`).join(', ')}` : ''})\n`);
  if (!report) process.stderr.write(run.stderr);
}

timeLint('project changelog', []);
const generated = writeChangelog(join(repoRoot, 'bench', 'work', `lint-${changesets}`), changesets, 'yaml');
timeLint(`generated changelog (${generated.files} files)`, ['--changelog', generated.dir]);
