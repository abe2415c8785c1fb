package dev.dbmigrator.runner.lint;

import dev.dbmigrator.runner.migration.ChangelogReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The changesets the next update would run on a real database: Liquibase's own pending filters over its
 * DATABASECHANGELOG, read in a read-only transaction that is rolled back. No lock is asked for (neither
 * Liquibase's lock table nor the runner's advisory lock), and the session refuses every write.
 */
final class PendingOnDatabase {
  private PendingOnDatabase() {}

  static List<String> ids(ChangelogReader reader, Connection connection) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    }
    connection.setAutoCommit(false);
    connection.setReadOnly(true);
    try {
      return reader.inScope(() -> reader.pending(reader.open(connection)).stream()
          .map(ChangelogReader::id).toList());
    } finally {
      rollbackQuietly(connection);
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // Nothing was written in this read-only transaction; a broken connection has nothing to undo.
    }
  }
}
