package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Liquibase's dry-run commands (update-sql, changelog-sync-sql) create an empty DATABASECHANGELOG for real on a
 * database that never had one, before they start writing SQL out instead of running it. A dry run must write
 * nothing: the table is dropped again when this run created it and it is still empty. A short lock timeout
 * keeps another client that has just started using it from being blocked; if the drop cannot happen at once,
 * the empty table stays (as the stock CLI leaves it).
 */
final class DryRunHistoryTable {
  private final boolean existedBefore;

  private DryRunHistoryTable(boolean existedBefore) {
    this.existedBefore = existedBefore;
  }

  static DryRunHistoryTable before(Connection connection) throws SQLException {
    return new DryRunHistoryTable(exists(connection));
  }

  void dropIfCreatedEmpty(Connection connection) {
    if (existedBefore) {
      return;
    }
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET LOCAL lock_timeout = '2s'");
        statement.execute("""
            DO $$ BEGIN
              IF to_regclass('databasechangelog') IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM databasechangelog) THEN
                DROP TABLE databasechangelog;
              END IF;
            END $$""");
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      // The connection is gone: nothing more can be written or undone through it.
    }
  }

  private static boolean exists(Connection connection) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT to_regclass('databasechangelog') IS NOT NULL");
        var rows = statement.executeQuery()) {
      rows.next();
      return rows.getBoolean(1);
    }
  }
}
