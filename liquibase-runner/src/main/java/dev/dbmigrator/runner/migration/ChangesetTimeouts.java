package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;

/**
 * Sets the session's {@code lock_timeout} and {@code statement_timeout} as each changeset starts its first change,
 * after its preconditions: the values of {@link LockTimeouts} for a transactional changeset, and 0 (off) for one
 * that cannot be atomic. In a transactional changeset the setting belongs to its transaction, so a rollback undoes
 * it with the changes, and the next changeset sets its own again.
 */
final class ChangesetTimeouts {
  private static final String SET = "SELECT set_config('lock_timeout', ?, false), set_config('statement_timeout', ?,"
      + " false)";
  private final LockTimeouts timeouts;
  private ChangeSet started;

  ChangesetTimeouts(LockTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  void willRunChange(ChangeSet changeSet, Database database) {
    if (changeSet == started || !(database.getConnection() instanceof JdbcConnection jdbc)) {
      return;
    }
    started = changeSet;
    boolean atomic = !AtomicChangesets.outsideTransaction(changeSet);
    try {
      set(jdbc.getUnderlyingConnection(),
          atomic ? LockTimeouts.setting(timeouts.lockTimeout()) : "0",
          atomic ? LockTimeouts.setting(timeouts.statementTimeout()) : "0");
    } catch (SQLException e) {
      throw new IllegalStateException("could not set lock_timeout for " + ChangesetIds.of(changeSet) + ": "
          + e.getMessage(), e);
    }
  }

  void ended(ChangeSet changeSet) {
    if (changeSet == started) {
      started = null;
    }
  }

  private static void set(Connection connection, String lockTimeout, String statementTimeout) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(SET)) {
      statement.setString(1, lockTimeout);
      statement.setString(2, statementTimeout);
      statement.execute();
    }
  }
}
