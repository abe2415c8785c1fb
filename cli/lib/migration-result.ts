/** The MigrationResult as TypeScript sees it; contracts/migration-result.schema.json is the specification. */
export interface ChangesetList {
  count: number;
  changesets: string[];
  truncated: boolean;
}

/** Pending changesets: the count is null when the runner could not compute it (its message says why). */
export interface PendingList extends Omit<ChangesetList, 'count'> {
  count: number | null;
}

export type MigrationStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'PLANNED';

export interface MigrationResult {
  schemaVersion: 1;
  runId: string;
  status: MigrationStatus;
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
  pending: PendingList;
  failedChangeset: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  runner: { version: string; liquibaseVersion: string; coldStart: boolean; fastPath?: boolean };
  notes?: string[];
  /** Only on a dry run (PLANNED): the SQL Liquibase would run. */
  sqlPreview?: string;
  /** Present when the run updated: how many times a lock timeout (SQLSTATE 55P03) made it retry the update. */
  lockRetries?: number;
  /** Only on LOCK_CONTENDED: the sessions that held the lock, sampled while the changeset waited; never their query. */
  blockedBy?: BlockingSession[];
  /** Only on a fleet target's result: the target's id and schema (null for the database's default schema). */
  target?: { id: string; schema: string | null };
}

/** A session that blocked a changeset, as pg_stat_activity showed it; null where the runner's role may not see. */
export interface BlockingSession {
  pid: number;
  applicationName: string | null;
  state: string | null;
  transactionAgeMs: number | null;
}

/** The one mapping from a run's outcome to an exit code, shared by every command that reports a run. */
export function exitCodeOf(result: Pick<MigrationResult, 'status'>): number {
  return result.status === 'FAILED' ? 1 : 0;
}
