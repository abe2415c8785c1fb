import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './config';
import { runLine, sections } from './figures';

type Json = Record<string, any>;

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
export const performanceDoc = join(repoRoot, 'docs', 'performance.md');

const row = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;

/** Rewrites the generated block of docs/performance.md, so the page always shows the latest run and its date. */
export function updatePerformanceDoc(r: Json): boolean {
  if (!existsSync(performanceDoc)) return false;
  const text = readFileSync(performanceDoc, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(performanceDoc, `${text.slice(0, start + START.length)}\n${render(r)}\n${text.slice(end)}`);
  return true;
}

function render(r: Json): string {
  const out: string[] = [runLine(r)];
  for (const section of sections(r)) {
    out.push('', `### ${section.title}`, '');
    if (section.before.length) out.push(...section.before, '');
    out.push(row(section.rows[0]), row(section.rows[0].map(() => '---')), ...section.rows.slice(1).map(row));
    if (section.after.length) out.push('', ...section.after);
  }
  return out.join('\n');
}
