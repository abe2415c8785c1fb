import { runLine, sections } from './figures';

type Json = Record<string, any>;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

/** The printed report: the same sections as docs/performance.md's generated block, as plain tables. */
export function printReport(r: Json): void {
  const out: string[] = ['', `db-migrator bench. ${runLine(r)}`];
  for (const section of sections(r)) {
    out.push('', section.title, ...section.before, table(section.rows), ...section.after);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
