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
  LOCK_CONTENDED,
  /** A schema-per-tenant target's schema does not exist (or the user may not use it); the runner never creates it. */
  SCHEMA_MISSING,
  /** A fleet target's id is not in the fleet's manifest. */
  UNKNOWN_TARGET,
  /** The fleet's manifest could not be read from S3. */
  MANIFEST_UNAVAILABLE,
  /** The fleet's manifest is not a JSON array of valid, uniquely named targets. */
  MANIFEST_INVALID
}
