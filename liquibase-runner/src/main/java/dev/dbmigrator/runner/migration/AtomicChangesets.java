package dev.dbmigrator.runner.migration;

import java.sql.SQLException;
import java.util.List;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.exception.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes each transactional changeset commit its changes and its DATABASECHANGELOG row as one transaction, and
 * leaves a durable trace around each changeset that cannot be atomic.
 *
 * <p>The order in Liquibase 4.33 (UpdateVisitor, ChangeSet.execute): listener willRun(changeSet); preconditions
 * (then a rollback); per change willRun(change), execute, ran(change); commit; the history service inserts the
 * row and commits; listener ran(changeSet); commit. On an error: rollback, then runFailed (or, with
 * failOnError false, a FAILED history entry that writes nothing and ran). The hold starts at the first change,
 * after the preconditions, so a changeset skipped by its preconditions never holds anything; it ends in
 * ran(changeSet), once the row is in the same transaction, or in runFailed.
 */
final class AtomicChangesets {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicChangesets.class);

  /** The changeset whose first change has started, and whether it runs with a trace instead of a hold. */
  private ChangeSet started;
  private boolean traced;

  void willRunChange(Change change, ChangeSet changeSet, Database database) {
    HeldCommitConnection connection = heldConnection(database);
    if (connection == null || changeSet == started) {
      return;
    }
    started = changeSet;
    traced = outsideTransaction(changeSet);
    try {
      if (traced) {
        ChangesetTrace.record(connection.getUnderlyingConnection(), changeSet, ChangesetSql.of(changeSet, database));
      } else {
        connection.hold();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not write the trace of non-transactional changeset "
          + ChangesetIds.of(changeSet) + ": " + e.getMessage(), e);
    }
  }

  /** A changeset that runs with auto-commit or commits by itself: it cannot be held, and gets a trace instead. */
  static boolean outsideTransaction(ChangeSet changeSet) {
    return !changeSet.isRunInTransaction() || ChangesetSql.controlsTransactions(changeSet);
  }

  /** After each change of a traced changeset, before its history row: an INVALID index it names fails it. */
  void ranChange(Change change, ChangeSet changeSet, Database database) {
    HeldCommitConnection connection = heldConnection(database);
    if (connection == null || changeSet != started || !traced) {
      return;
    }
    List<String> invalid;
    try {
      invalid = InvalidIndexes.namedIn(connection.getUnderlyingConnection(), ChangesetSql.of(change, database));
    } catch (SQLException e) {
      throw new IllegalStateException("could not check the indexes of " + ChangesetIds.of(changeSet) + ": "
          + e.getMessage(), e);
    }
    if (!invalid.isEmpty()) {
      throw new IllegalStateException("index(es) " + String.join(", ", invalid) + " named by changeset "
          + ChangesetIds.of(changeSet) + " are INVALID (pg_index.indisvalid is false), left by an interrupted or"
          + " failed concurrent build: drop them (DROP INDEX CONCURRENTLY) and run again");
    }
  }

  void ran(ChangeSet changeSet, Database database) throws DatabaseException {
    HeldCommitConnection connection = heldConnection(database);
    if (connection == null) {
      return;
    }
    if (connection.holding()) {
      connection.release();
    }
    if (changeSet == started && traced) {
      try {
        ChangesetTrace.clear(connection.getUnderlyingConnection(), changeSet);
      } catch (SQLException e) {
        // The history row is committed: the next run finds it and clears the trace itself.
        throw new DatabaseException("could not clear the trace of " + ChangesetIds.of(changeSet) + ": "
            + e.getMessage(), e);
      }
    }
    started = null;
  }

  /**
   * Liquibase rolled the changeset back: nothing is held any more. The trace of a failed non-transactional
   * changeset is cleared, because this run reports the failure itself; if the connection is gone, the trace
   * stays and the next run reports the changeset as interrupted.
   */
  void failed(ChangeSet changeSet, Database database) {
    HeldCommitConnection connection = heldConnection(database);
    if (connection == null) {
      return;
    }
    try {
      if (connection.holding()) {
        connection.abandon();
      }
      if (changeSet == started && traced) {
        ChangesetTrace.clear(connection.getUnderlyingConnection(), changeSet);
      }
    } catch (DatabaseException | SQLException e) {
      LOG.warn("after the failure of {}: {}", ChangesetIds.of(changeSet), e.getMessage());
    }
    started = null;
  }

  /**
   * Ends a hold the update left open (Liquibase stopped between a changeset's changes and its history row
   * without telling the listener): its work is rolled back, never committed without its row.
   */
  static void abandonHeld(Database database) {
    HeldCommitConnection connection = heldConnection(database);
    if (connection != null && connection.holding()) {
      try {
        connection.abandon();
      } catch (DatabaseException e) {
        LOG.warn("could not roll back an unfinished changeset: {}", e.getMessage());
      }
    }
  }

  private static HeldCommitConnection heldConnection(Database database) {
    return database != null && database.getConnection() instanceof HeldCommitConnection held ? held : null;
  }
}
