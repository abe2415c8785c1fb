import { randomUUID } from 'node:crypto';
import type { MigrationResult } from '../../../cli/lib/migration-result';
import { checkMigrationResult } from '../../../cli/lib/result-schema';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const APP_STACK = 'AppStack';
export const APP_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${APP_STACK}/0a1b2c3d-1111-2222-3333-444455556666`;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

/**
 * A MigrationResult as the runner writes it, checked against the schema before any test uses it, so a test
 * can never pass on a shape the runner would not produce.
 */
export function sampleResult(overrides: DeepPartial<MigrationResult> = {}): MigrationResult {
  const finishedAt = overrides.finishedAt ?? '2025-06-02T10:15:03.412Z';
  const result: MigrationResult = {
    schemaVersion: 1,
    runId: randomUUID(),
    status: 'SUCCEEDED',
    reason: null,
    message: 'applied 2 changesets',
    startedAt: '2025-06-02T10:15:00.000Z',
    durationMs: 3412,
    failedChangeset: null,
    ...overrides,
    finishedAt,
    trigger: {
      type: 'CLOUDFORMATION',
      eventId: 'a952e2a6-392c-1b6d-0f4d-9dbdec50f3b5',
      stackId: APP_STACK_ID,
      stackName: APP_STACK,
      stackStatus: 'UPDATE_COMPLETE',
      time: '2025-06-02T10:14:58Z',
      dryRun: false,
      reason: null,
      ...overrides.trigger,
    },
    database: { host: 'demo.cluster-abc.us-east-1.rds.amazonaws.com', port: 5432, name: 'demo', serverVersion: '16.6', ...overrides.database },
    changelog: {
      file: 'db.changelog-master.yaml',
      checksum: `sha256:${'5c'.repeat(32)}`,
      totalChangesets: 2,
      ...overrides.changelog,
    },
    applied: {
      count: 2,
      changesets: ['changes/001-schema.yaml::001-schema::db-migrator', 'changes/002-users.yaml::002-users::db-migrator'],
      truncated: false,
      ...overrides.applied,
    },
    pending: { count: 0, changesets: [], truncated: false, ...overrides.pending },
    runner: { version: '0.1.0', liquibaseVersion: '4.33.0', coldStart: false, ...overrides.runner },
  } as MigrationResult;
  const check = checkMigrationResult(result);
  if (!check.ok) throw new Error(`test fixture is not a valid MigrationResult: ${check.errors.join('; ')}`);
  return result;
}

export function failedResult(overrides: DeepPartial<MigrationResult> = {}): MigrationResult {
  return sampleResult({
    status: 'FAILED',
    reason: 'CHANGESET_FAILED',
    message: 'changeset changes/002-users.yaml::002-users::db-migrator failed: relation "users" already exists',
    failedChangeset: 'changes/002-users.yaml::002-users::db-migrator',
    applied: { count: 1, changesets: ['changes/001-schema.yaml::001-schema::db-migrator'], truncated: false },
    pending: { count: 1, changesets: ['changes/002-users.yaml::002-users::db-migrator'], truncated: false },
    ...overrides,
  });
}

/** Asserts a value the CLI printed or read is a valid MigrationResult and returns it typed. */
export function expectValidResult(value: unknown): MigrationResult {
  const check = checkMigrationResult(value);
  if (!check.ok) throw new Error(`not a valid MigrationResult: ${check.errors.join('; ')}`);
  return check.result;
}
