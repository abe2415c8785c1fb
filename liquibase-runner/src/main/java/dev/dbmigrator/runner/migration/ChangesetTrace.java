package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import liquibase.changelog.ChangeSet;

/**
 * The durable trace of a changeset that cannot be atomic (it runs outside a transaction, or its SQL commits by
 * itself): a row in {@value #TABLE}, next to DATABASECHANGELOG, committed before its first change runs and
 * deleted once its history row is committed. A trace whose changeset has no history row means a run stopped
 * inside it, leaving an unknown part of it applied.
 */
final class ChangesetTrace {
  static final String TABLE = "db_migrator_inflight_changeset";

  /** One trace; {@code recorded} tells whether DATABASECHANGELOG has the changeset's row after all. */
  record Entry(String filename, String id, String author, Instant startedAt, String sql, boolean recorded) {
    String changesetId() {
      return filename + "::" + id + "::" + author;
    }
  }

  private ChangesetTrace() {}

  /** Writes the trace and commits it, whatever the connection's auto-commit mode. */
  static void record(Connection connection, ChangeSet changeSet, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (filename varchar(255) NOT NULL, id varchar(255) NOT NULL,"
          + " author varchar(255) NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), sql text,"
          + " PRIMARY KEY (filename, id, author))");
    }
    try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + TABLE
        + " (filename, id, author, sql) VALUES (?, ?, ?, ?) ON CONFLICT (filename, id, author)"
        + " DO UPDATE SET started_at = now(), sql = EXCLUDED.sql")) {
      s.setString(1, changeSet.getFilePath());
      s.setString(2, changeSet.getId());
      s.setString(3, changeSet.getAuthor());
      s.setString(4, sql);
      s.executeUpdate();
    }
    commit(connection);
  }

  /** Deletes the trace of one changeset and commits. */
  static void clear(Connection connection, ChangeSet changeSet) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(
        "DELETE FROM " + TABLE + " WHERE filename = ? AND id = ? AND author = ?")) {
      s.setString(1, changeSet.getFilePath());
      s.setString(2, changeSet.getId());
      s.setString(3, changeSet.getAuthor());
      s.executeUpdate();
    }
    commit(connection);
  }

  /** The traces left by earlier runs; none when the table was never created. Reads only. */
  static List<Entry> read(Connection connection) throws SQLException {
    List<Entry> entries = new ArrayList<>();
    if (!exists(connection, TABLE)) {
      return entries;
    }
    boolean history = exists(connection, "databasechangelog");
    String recorded = history
        ? "EXISTS (SELECT 1 FROM databasechangelog h WHERE h.filename = t.filename AND h.id = t.id"
            + " AND h.author = t.author)"
        : "false";
    try (PreparedStatement s = connection.prepareStatement("SELECT t.filename, t.id, t.author, t.started_at, t.sql, "
        + recorded + " FROM " + TABLE + " t ORDER BY t.started_at");
        ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        entries.add(new Entry(rows.getString(1), rows.getString(2), rows.getString(3),
            rows.getTimestamp(4).toInstant(), rows.getString(5), rows.getBoolean(6)));
      }
    }
    return entries;
  }

  /** Deletes the traces whose changeset was recorded after all (a stop between its history commit and this). */
  static void clearRecorded(Connection connection, List<Entry> entries) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(
        "DELETE FROM " + TABLE + " WHERE filename = ? AND id = ? AND author = ?")) {
      for (Entry entry : entries) {
        if (entry.recorded()) {
          s.setString(1, entry.filename());
          s.setString(2, entry.id());
          s.setString(3, entry.author());
          s.executeUpdate();
        }
      }
    }
    commit(connection);
  }

  /** The statement a person runs, once they have checked the database, to let the next run retry the changeset. */
  static String clearStatement(Entry entry) {
    return "DELETE FROM " + TABLE + " WHERE filename = " + literal(entry.filename()) + " AND id = "
        + literal(entry.id()) + " AND author = " + literal(entry.author()) + ";";
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static boolean exists(Connection connection, String table) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, table);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  private static void commit(Connection connection) throws SQLException {
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
  }
}
