import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangelogSelection } from '../../local/runner-process';
import type { DatabaseSecret } from '../db-secret';
import { type AcknowledgementProblem, parseAcknowledgements } from './acknowledgements';
import { baselineKey } from './baseline';
import { changelogSql, changesetKey, type ChangesetSql } from './changelog-sql';
import { changesetLineInFile } from './changeset-lines';
import type { RuleSelection } from './rules';
import { runSquawk, type SquawkViolation } from './squawk';

/** The Aurora PostgreSQL version the demo stack deploys (infra/database-stack.ts); a test keeps them equal. */
export const DEFAULT_PG_VERSION = '17.9';

export type FindingStatus = 'new' | 'acknowledged' | 'baseline';

export interface LintFinding {
  /** `file::id::author`, as DATABASECHANGELOG keys the changeset. */
  readonly changeset: string;
  /** The changeset's file, relative to the changelog folder, and the line that declares the changeset. */
  readonly file: string;
  readonly line: number;
  readonly runInTransaction: boolean;
  readonly rule: string;
  readonly message: string;
  readonly help: string | null;
  readonly status: FindingStatus;
  /** The acknowledgement's reason, for an acknowledged finding. */
  readonly reason?: string;
}

export interface LintRequest {
  readonly changelogDir: string;
  readonly selection: ChangelogSelection;
  readonly pgVersion: string;
  readonly rules: RuleSelection;
  readonly scratch: DatabaseSecret;
  readonly pendingOn?: { readonly secret: DatabaseSecret; readonly sslMode: string };
  readonly baseline?: ReadonlySet<string>;
  readonly onLog: (line: string) => void;
}

export interface LintReport {
  /** How many changesets were linted (with pendingOn: the pending ones). */
  readonly linted: number;
  /** With pendingOn: the pending changesets, else null. */
  readonly pending: readonly string[] | null;
  readonly findings: readonly LintFinding[];
  /** Acknowledgements that cannot be read: bad input. */
  readonly problems: ReadonlyArray<AcknowledgementProblem & { readonly changeset: string }>;
}

/** Lints a changelog: Liquibase's SQL of each changeset, squawk over it, acknowledgements and baseline applied. */
export async function lintChangelog(request: LintRequest): Promise<LintReport> {
  const sql = await changelogSql(
    { changelogDir: request.changelogDir, selection: request.selection, scratch: request.scratch, pendingOn: request.pendingOn },
    request.onLog,
  );
  const pending = sql.pending === null ? null : new Set(sql.pending);
  const selected = pending === null ? sql.changesets : sql.changesets.filter((c) => pending.has(changesetKey(c)));
  const violations = await squawkEach(selected, request);
  const findings: LintFinding[] = [];
  const problems: Array<AcknowledgementProblem & { changeset: string }> = [];
  selected.forEach((changeset, index) => {
    const key = changesetKey(changeset);
    const { acknowledged, problems: unreadable } = parseAcknowledgements(changeset.comment);
    problems.push(...unreadable.map((problem) => ({ ...problem, changeset: key })));
    const line = changesetLineInFile(join(request.changelogDir, changeset.file), changeset.id, changeset.author);
    for (const violation of violations.get(index) ?? []) {
      const ack = acknowledged.find((a) => a.rule === violation.rule_name);
      const status: FindingStatus = ack ? 'acknowledged'
        : request.baseline?.has(baselineKey(key, violation.rule_name)) ? 'baseline' : 'new';
      findings.push({
        changeset: key,
        file: changeset.file,
        line,
        runInTransaction: changeset.runInTransaction,
        rule: violation.rule_name,
        message: violation.message,
        help: violation.help,
        status,
        ...(ack ? { reason: ack.reason } : {}),
      });
    }
  });
  return { linted: selected.length, pending: sql.pending, findings, problems };
}

/**
 * squawk over each changeset's SQL, one file per changeset, in two runs: the changesets Liquibase runs in a
 * transaction (judged with --assume-in-transaction) and those it does not.
 */
async function squawkEach(changesets: readonly ChangesetSql[], request: LintRequest): Promise<Map<number, SquawkViolation[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'db-migrator-lint-'));
  try {
    const fileOf = new Map<string, number>();
    const groups: Record<'tx' | 'plain', string[]> = { tx: [], plain: [] };
    changesets.forEach((changeset, index) => {
      if (changeset.sql.trim() === '') return;
      const file = join(dir, `${index}.sql`);
      writeFileSync(file, `${changeset.sql}\n`);
      fileOf.set(file, index);
      groups[changeset.runInTransaction ? 'tx' : 'plain'].push(file);
    });
    const runs = await Promise.all([
      runSquawk({ files: groups.tx, pgVersion: request.pgVersion, inTransaction: true, rules: request.rules }),
      runSquawk({ files: groups.plain, pgVersion: request.pgVersion, inTransaction: false, rules: request.rules }),
    ]);
    const byChangeset = new Map<number, SquawkViolation[]>();
    for (const violation of runs.flat()) {
      const index = fileOf.get(violation.file);
      if (index === undefined) continue;
      byChangeset.set(index, [...(byChangeset.get(index) ?? []), violation]);
    }
    return byChangeset;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
