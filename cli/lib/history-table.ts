import type { HistoryEntry } from './result-history';
import { countOrUnknown, formatDuration } from './result-summary';

const HEADERS = ['VERSION', 'FINISHED (UTC)', 'STATUS', 'REASON', 'APPLIED', 'PENDING', 'DURATION', 'TRIGGER'];
const RIGHT_ALIGNED = new Set([0, 4, 5, 6]);

function utc(iso: string | undefined | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, '').replace(/Z$/, '') : '-';
}

function row(entry: HistoryEntry): string[] {
  const r = entry.result;
  if (!r) {
    const written = entry.modifiedAt ? utc(entry.modifiedAt.toISOString()) : '-';
    return [String(entry.version), written, 'MALFORMED', '-', '-', '-', '-', entry.problems?.[0] ?? ''];
  }
  const trigger = [r.trigger.type, r.trigger.stackName, r.trigger.stackStatus].filter(Boolean).join(' ');
  return [
    String(entry.version),
    utc(r.finishedAt),
    r.status,
    r.reason ?? '-',
    String(r.applied.count),
    countOrUnknown(r.pending.count),
    formatDuration(r.durationMs),
    `${trigger}${r.trigger.dryRun ? ' (dry run)' : ''}${r.trigger.reason ? ` "${r.trigger.reason}"` : ''}`,
  ];
}

/** One run a line, newest first, in aligned columns; the last column is left ragged. */
export function formatHistoryTable(entries: readonly HistoryEntry[]): string {
  const rows = [HEADERS, ...entries.map(row)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((cells) => cells[i].length)));
  return rows
    .map((cells) =>
      cells
        .map((cell, i) => {
          if (i === cells.length - 1) return cell;
          return RIGHT_ALIGNED.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
