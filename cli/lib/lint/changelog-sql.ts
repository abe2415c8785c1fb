import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RUNNER_LIB_DIR } from '../../../infra/package-assets';
import type { ChangelogSelection } from '../../local/runner-process';
import type { DatabaseSecret } from '../db-secret';
import { CliError } from '../errors';

/** One changeset with the SQL Liquibase's update-sql wrote for it. */
export interface ChangesetSql {
  /** The changeset's file as Liquibase records it: relative to the changelog folder. */
  readonly file: string;
  readonly id: string;
  readonly author: string;
  readonly runInTransaction: boolean;
  readonly comment: string | null;
  /** Liquibase's checksum of the changeset: what DATABASECHANGELOG compares. */
  readonly checksum: string;
  readonly sql: string;
}

export interface ChangelogSqlRequest {
  readonly changelogDir: string;
  readonly selection: ChangelogSelection;
  /** Superuser credentials of an empty throwaway database; the Java side creates a role without privileges there. */
  readonly scratch: DatabaseSecret;
  /** A real database whose pending changesets are wanted; read only, without a lock. */
  readonly pendingOn?: { readonly secret: DatabaseSecret; readonly sslMode: string };
}

export interface ChangelogSql {
  readonly changesets: readonly ChangesetSql[];
  /** `file::id::author` of the changesets pending on `pendingOn`; null without it. */
  readonly pending: readonly string[] | null;
}

export function changesetKey(changeset: Pick<ChangesetSql, 'file' | 'id' | 'author'>): string {
  return `${changeset.file}::${changeset.id}::${changeset.author}`;
}

function selectionArgs(selection: ChangelogSelection): string[] {
  return [
    ...(selection.changelogFile ? ['--changelog-file', selection.changelogFile] : []),
    ...(selection.contexts !== undefined ? ['--contexts', selection.contexts] : []),
    ...(selection.labels !== undefined ? ['--labels', selection.labels] : []),
    ...Object.entries(selection.parameters ?? {}).flatMap(([name, value]) => ['--parameter', `${name}=${value}`]),
  ];
}

/**
 * The SQL of every changeset, from the runner's LintMain (Liquibase's update-sql over the empty database).
 * Credentials reach it in its environment, never on its command line.
 */
export function changelogSql(request: ChangelogSqlRequest, onLog: (line: string) => void): Promise<ChangelogSql> {
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-cp', join(RUNNER_LIB_DIR, '*'),
    'dev.dbmigrator.runner.lint.LintMain',
    '--changelog', request.changelogDir,
    ...selectionArgs(request.selection),
    ...(request.pendingOn ? ['--pending', '--ssl-mode', request.pendingOn.sslMode] : []),
  ];
  const env: Record<string, string | undefined> = { ...process.env, DB_MIGRATOR_LINT_SCRATCH_JSON: JSON.stringify(request.scratch) };
  if (request.pendingOn) env.DB_MIGRATOR_SECRET_JSON = JSON.stringify(request.pendingOn.secret);
  else delete env.DB_MIGRATOR_SECRET_JSON;
  const child = spawn('java', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderrTail = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (stderrTail + chunk).split('\n');
    stderrTail = lines.pop() ?? '';
    lines.forEach(onLog);
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new CliError(`cannot start java: ${error.message}`)));
    child.on('close', (code) => {
      if (stderrTail) onLog(stderrTail);
      const line = stdout.split('\n').find((text) => text.startsWith('{'));
      let value: { changesets?: ChangesetSql[]; pending?: string[] | null; error?: string } | undefined;
      try {
        value = line ? JSON.parse(line) : undefined;
      } catch {
        value = undefined;
      }
      if (code === 0 && value?.changesets) {
        resolve({ changesets: value.changesets, pending: value.pending ?? null });
      } else if (value?.error) {
        reject(new CliError(value.error, code === 2 ? 2 : 1));
      } else {
        reject(new CliError(`the changelog reader printed no result (exit ${code}); run with --verbose for its log`));
      }
    });
  });
}
