package dev.dbmigrator.runner.result;

import java.util.List;

/**
 * The one result shape: stored in SSM, carried as the completion event's detail, printed by local runs.
 * contracts/migration-result.schema.json is its specification; both test suites validate against it.
 * {@link MigrationResultWriter} writes it: the components in this order, the last four only when not empty.
 */
public record MigrationResult(
    int schemaVersion,
    String runId,
    Status status,
    Reason reason,
    String message,
    TriggerInfo trigger,
    DatabaseInfo database,
    ChangelogInfo changelog,
    ChangesetList applied,
    ChangesetList pending,
    String failedChangeset,
    String startedAt,
    String finishedAt,
    long durationMs,
    RunnerInfo runner,
    String sqlPreview,
    List<String> notes,
    Integer lockRetries,
    List<BlockerInfo> blockedBy) {

  public static final int SCHEMA_VERSION = 1;

  /** A result of a run that did not update: no lock retries, no blockers. */
  public MigrationResult(int schemaVersion, String runId, Status status, Reason reason, String message,
      TriggerInfo trigger, DatabaseInfo database, ChangelogInfo changelog, ChangesetList applied,
      ChangesetList pending, String failedChangeset, String startedAt, String finishedAt, long durationMs,
      RunnerInfo runner, String sqlPreview, List<String> notes) {
    this(schemaVersion, runId, status, reason, message, trigger, database, changelog, applied, pending,
        failedChangeset, startedAt, finishedAt, durationMs, runner, sqlPreview, notes, null, List.of());
  }

  /**
   * A session that held the lock a changeset waited for, sampled while it waited: never its query, whose literals
   * may carry customer data. Fields the runner's role may not see are null.
   */
  public record BlockerInfo(int pid, String applicationName, String state, Long transactionAgeMs) {}

  public record TriggerInfo(
      String type,
      String eventId,
      String stackId,
      String stackName,
      String stackStatus,
      String time,
      boolean dryRun,
      String reason) {}

  /** Where the run went. Deliberately has no user name and no password. */
  public record DatabaseInfo(String host, Integer port, String name, String serverVersion) {
    public static final DatabaseInfo UNKNOWN = new DatabaseInfo(null, null, null, null);
  }

  public record ChangelogInfo(String file, String checksum, Integer totalChangesets) {}

  /**
   * Changeset ids as {@code file::id::author}; {@code truncated} says the list was cut to fit 4 KB. {@code count}
   * is null only for {@code pending}, when the run could not list the pending changesets (the message says why).
   */
  public record ChangesetList(Integer count, List<String> changesets, boolean truncated) {
    public static final ChangesetList EMPTY = of(List.of());
    public static final ChangesetList UNKNOWN = new ChangesetList(null, List.of(), false);

    public static ChangesetList of(List<String> ids) {
      return new ChangesetList(ids.size(), List.copyOf(ids), false);
    }

    /** A list that may not be known: null makes an unknown count, never zero. */
    public static ChangesetList ofKnown(List<String> ids) {
      return ids == null ? UNKNOWN : of(ids);
    }

    public boolean known() {
      return count != null;
    }
  }

  /** @param fastPath true when the fingerprint answered "nothing to do" and Liquibase was not started */
  public record RunnerInfo(String version, String liquibaseVersion, boolean coldStart, boolean fastPath) {}

  public MigrationResult withLists(ChangesetList applied, ChangesetList pending) {
    return new MigrationResult(schemaVersion, runId, status, reason, message, trigger, database, changelog,
        applied, pending, failedChangeset, startedAt, finishedAt, durationMs, runner, sqlPreview, notes, lockRetries,
        blockedBy);
  }

  public MigrationResult withText(String message, String sqlPreview) {
    return new MigrationResult(schemaVersion, runId, status, reason, message, trigger, database, changelog,
        applied, pending, failedChangeset, startedAt, finishedAt, durationMs, runner, sqlPreview, notes, lockRetries,
        blockedBy);
  }

  /** The same result under another run id: a fleet target's run carries its fleet run's id. */
  public MigrationResult withRunId(String runId) {
    return new MigrationResult(schemaVersion, runId, status, reason, message, trigger, database, changelog,
        applied, pending, failedChangeset, startedAt, finishedAt, durationMs, runner, sqlPreview, notes, lockRetries,
        blockedBy);
  }

  public MigrationResult withNote(String note) {
    List<String> more = new java.util.ArrayList<>(notes == null ? List.of() : notes);
    more.add(note);
    return new MigrationResult(schemaVersion, runId, status, reason, message, trigger, database, changelog,
        applied, pending, failedChangeset, startedAt, finishedAt, durationMs, runner, sqlPreview, List.copyOf(more),
        lockRetries, blockedBy);
  }
}
