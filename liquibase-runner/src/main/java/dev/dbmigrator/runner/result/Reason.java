package dev.dbmigrator.runner.result;

/** Stable reason codes; contracts/migration-result.schema.json documents each one. */
public enum Reason {
  // PLANNED
  DRY_RUN,
  // SKIPPED
  NOT_A_TRIGGER,
  STACK_IN_PROGRESS,
  STACK_GONE,
  LOCK_TIMEOUT,
  // FAILED
  INVALID_EVENT,
  SECRET_UNAVAILABLE,
  AUTH_FAILED,
  CONNECTION_FAILED,
  INVALID_CHANGELOG,
  CHECKSUM_MISMATCH,
  CHANGESET_FAILED,
  TIME_BUDGET,
  GATE_UNAVAILABLE,
  INTERNAL,
  /** A non-transactional changeset of an earlier run was interrupted; a person must check it. */
  INTERRUPTED_CHANGESET,
  /** DATABASECHANGELOG records these changesets under other paths. */
  HISTORY_MISMATCH,
  /** Another Liquibase client kept DATABASECHANGELOGLOCK for the whole lock wait budget. */
  FOREIGN_LOCK,
  /** A transactional changeset timed out on a lock on every attempt until the lock retry budget ran out. */
  LOCK_CONTENDED
}
