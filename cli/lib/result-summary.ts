import type { ChangesetList, MigrationResult, PendingList } from './migration-result';

const INDENT = '             ';

/**
 * A few lines for a person: the outcome and why, what triggered it and when, what was applied and what is
 * left, how long it took, and where the result is kept.
 */
export function formatSummary(result: MigrationResult, location: string): string {
  const { trigger } = result;
  const lines = [
    `status:    ${result.status}${result.reason ? ` (${result.reason})` : ''}: ${result.message}`,
    `trigger:   ${[trigger.type, trigger.stackName, trigger.stackStatus].filter(Boolean).join(' ')}` +
      `${trigger.dryRun ? ' (dry run)' : ''}${trigger.time ? ` at ${trigger.time}` : ''}`,
  ];
  if (trigger.reason) lines.push(`${INDENT}reason given: ${trigger.reason}`);
  lines.push(
    `database:  ${result.database.name ?? '-'} on ${result.database.host ?? '-'}:${result.database.port ?? '-'}` +
      (result.database.serverVersion ? ` (PostgreSQL ${result.database.serverVersion})` : ''),
    `applied:   ${result.applied.count}${list(result.applied)}`,
    `pending:   ${countOrUnknown(result.pending.count)}${list(result.pending)}`,
  );
  if (result.failedChangeset) lines.push(`failed:    ${result.failedChangeset}`);
  if (result.lockRetries) lines.push(`locks:     retried ${result.lockRetries} time(s) after a lock timeout`);
  (result.blockedBy ?? []).forEach((b) =>
    lines.push(`blocker:   pid ${b.pid}, application_name ${b.applicationName ?? 'unknown'}, state ${b.state ?? 'unknown'}` +
      `, transaction open ${b.transactionAgeMs === null ? 'unknown' : formatDuration(b.transactionAgeMs)}`));
  lines.push(`duration:  ${formatDuration(result.durationMs)}, finished ${result.finishedAt} (run ${result.runId})`);
  lines.push(`result:    ${location}`);
  (result.notes ?? []).forEach((note) => lines.push(`note:      ${note}`));
  return lines.join('\n');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A count the runner could not compute is shown as such, never as 0. */
export function countOrUnknown(count: number | null): string {
  return count === null ? 'unknown' : String(count);
}

function list(changesets: ChangesetList | PendingList): string {
  if (changesets.changesets.length === 0) return '';
  const shown = changesets.changesets.map((id) => `\n${INDENT}${id}`).join('');
  return changesets.truncated ? `${shown}\n${INDENT}… (list truncated to fit the record)` : shown;
}
