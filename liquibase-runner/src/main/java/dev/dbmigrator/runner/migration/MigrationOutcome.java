package dev.dbmigrator.runner.migration;

import dev.dbmigrator.runner.result.Reason;
import java.util.List;

/**
 * What Liquibase did. {@code reason} is null on success. Lists hold changeset ids {@code file::id::author}.
 * {@code totalChangesets} is null when the changelog could not be parsed, and {@code pending} is null when the
 * pending changesets could not be listed: unknown, never a guessed zero; the message then says why.
 * {@code plannedSql} is set by dry runs only: the SQL that the run would execute. {@code lockRetries} counts the
 * updates retried after a lock timeout (null when no update ran), and {@code blockers} names the sessions that held
 * the lock when the retries were spent (LOCK_CONTENDED).
 */
public record MigrationOutcome(
    Reason reason,
    String message,
    Integer totalChangesets,
    List<String> applied,
    List<String> pending,
    String failedChangeset,
    String serverVersion,
    String plannedSql,
    Integer lockRetries,
    List<Blocker> blockers) {

  /** An outcome of a run that did not update: no lock retries to count. */
  public MigrationOutcome(Reason reason, String message, Integer totalChangesets, List<String> applied,
      List<String> pending, String failedChangeset, String serverVersion, String plannedSql) {
    this(reason, message, totalChangesets, applied, pending, failedChangeset, serverVersion, plannedSql, null,
        List.of());
  }

  /** The run ended before the changelog was read: nothing applied, nothing known about the rest. */
  static MigrationOutcome notStarted(Reason reason, String message, String serverVersion) {
    return new MigrationOutcome(reason, message, null, List.of(), null, null, serverVersion, null);
  }

  public boolean succeeded() {
    return reason == null;
  }

  public boolean planned() {
    return reason == Reason.DRY_RUN;
  }
}
