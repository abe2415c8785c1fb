/** The MigrationResult as TypeScript sees it; contracts/migration-result.schema.json is the specification. */
export interface ChangesetList {
  count: number;
  changesets: string[];
  truncated: boolean;
}

export interface MigrationResult {
  schemaVersion: 1;
  runId: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'PLANNED';
  reason: string | null;
  message: string;
  trigger: {
    type: 'CLOUDFORMATION' | 'REPLAY' | 'LOCAL';
    eventId: string | null;
    stackId: string | null;
    stackName: string | null;
    stackStatus: string | null;
    time: string | null;
    dryRun: boolean;
    reason: string | null;
  };
  database: { host: string | null; port: number | null; name: string | null; serverVersion: string | null };
  changelog: { file: string; checksum: string | null; totalChangesets: number | null };
  applied: ChangesetList;
  pending: ChangesetList;
  failedChangeset: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  runner: { version: string; liquibaseVersion: string; coldStart: boolean };
  notes?: string[];
}

/** A few lines for a person: the outcome, what was applied, how long it took, where the result is kept. */
export function formatSummary(result: MigrationResult, location: string): string {
  const lines = [
    `status:    ${result.status}${result.reason ? ` (${result.reason})` : ''}: ${result.message}`,
    `trigger:   ${result.trigger.type} ${result.trigger.stackName ?? '-'} ${result.trigger.stackStatus ?? ''}`.trimEnd(),
    `database:  ${result.database.name ?? '-'} on ${result.database.host ?? '-'}:${result.database.port ?? '-'}`
      + (result.database.serverVersion ? ` (PostgreSQL ${result.database.serverVersion})` : ''),
    `applied:   ${result.applied.count}${list(result.applied)}`,
    `pending:   ${result.pending.count}${list(result.pending)}`,
  ];
  if (result.failedChangeset) lines.push(`failed:    ${result.failedChangeset}`);
  lines.push(`duration:  ${result.durationMs} ms (run ${result.runId})`);
  lines.push(`result:    ${location}`);
  (result.notes ?? []).forEach((note) => lines.push(`note:      ${note}`));
  return lines.join('\n');
}

function list(changesets: ChangesetList): string {
  if (changesets.changesets.length === 0) return '';
  const shown = changesets.changesets.map((id) => `\n             ${id}`).join('');
  return changesets.truncated ? `${shown}\n             …` : shown;
}
