package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.DatabaseException;

/**
 * Liquibase's connection, with commits that can be held. Liquibase 4.33 commits a changeset's changes, then
 * inserts its DATABASECHANGELOG row and commits again (Liquibase issue 7442): a process killed between the two
 * leaves the changes without their row, and every later run fails on "already exists". While a transactional
 * changeset runs, {@link AtomicChangesets} holds the commits here and releases them once the history row is
 * written, so the changes and their row commit together or not at all.
 */
final class HeldCommitConnection extends JdbcConnection {
  private boolean holding;

  HeldCommitConnection(Connection connection) {
    super(connection);
  }

  /** From now on a commit only marks the point reached; the transaction stays open until {@link #release}. */
  void hold() {
    holding = true;
  }

  boolean holding() {
    return holding;
  }

  /** Commits what the held transaction did: the changeset's changes with its history row. */
  void release() throws DatabaseException {
    holding = false;
    super.commit();
  }

  /** Ends a hold without committing anything of it. */
  void abandon() throws DatabaseException {
    holding = false;
    super.rollback();
  }

  @Override
  public void commit() throws DatabaseException {
    if (!holding) {
      super.commit();
    }
  }

  /**
   * Turning auto-commit on commits the open transaction (JDBC), so the hold cannot survive it: it ends here, and
   * the changeset is as non-atomic as Liquibase makes it. {@link AtomicChangesets} never holds a changeset that
   * runs outside a transaction, so this is a guard, not a path.
   */
  @Override
  public void setAutoCommit(boolean autoCommit) throws DatabaseException {
    if (autoCommit) {
      holding = false;
    }
    super.setAutoCommit(autoCommit);
  }
}
