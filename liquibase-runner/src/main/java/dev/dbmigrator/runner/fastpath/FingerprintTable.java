package dev.dbmigrator.runner.fastpath;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fingerprint: one row in {@value #TABLE}, next to DATABASECHANGELOG (both unqualified, so both live in the
 * session's current schema). It states "with this key, over a history with this digest, Liquibase found nothing
 * pending". That statement stays true for as long as the key and the history are the same, so the row needs no
 * expiry: any change to the history changes its digest.
 */
public final class FingerprintTable {
  public static final String TABLE = "db_migrator_fingerprint";
  static final String TRACE_TABLE = "db_migrator_inflight_changeset";

  /**
   * Every column Liquibase reads to decide what is pending, one row after another in a total order: rows that tie
   * on the order are equal in every digested column. quote_nullable keeps NULL apart from 'NULL' and the
   * separators apart from the values.
   */
  static final String HISTORY_DIGEST = "SELECT encode(sha256(convert_to(coalesce(string_agg("
      + "quote_nullable(id) || ',' || quote_nullable(author) || ',' || quote_nullable(filename) || ',' "
      + "|| quote_nullable(md5sum) || ',' || quote_nullable(exectype), ';' "
      + "ORDER BY orderexecuted, dateexecuted, filename, id, author, md5sum, exectype), ''), 'UTF8')), 'hex')"
      + " FROM databasechangelog";

  /**
   * The one query of the fast path. It names no table that may be missing outside a branch guarded by
   * to_regclass (query_to_xml runs its text only when reached), so on a fresh database it returns NULL instead
   * of failing. It reads only: the fingerprint and the history come from one snapshot, the statement's own.
   */
  private static final String CHECK = "SELECT CASE WHEN to_regclass('" + TABLE + "') IS NULL"
      + " OR to_regclass('databasechangelog') IS NULL THEN NULL"
      + " ELSE query_to_xml('SELECT f.total_changesets AS total FROM " + TABLE + " f WHERE f.id = 1 AND f.usable"
      + " AND f.run_key = ' || quote_literal(?::text) || ' AND f.db_user = current_user"
      + " AND f.db_schema = current_schema() AND f.history_digest = (" + HISTORY_DIGEST.replace("'", "''") + ")'"
      + " || CASE WHEN to_regclass('" + TRACE_TABLE + "') IS NULL THEN ''"
      + " ELSE ' AND NOT EXISTS (SELECT 1 FROM " + TRACE_TABLE + ")' END"
      + " || CASE WHEN to_regclass('databasechangeloglock') IS NULL THEN ''"
      + " ELSE ' AND NOT EXISTS (SELECT 1 FROM databasechangeloglock WHERE locked)' END,"
      + " false, false, '')::text END";

  private static final Pattern TOTAL = Pattern.compile("<total>(\\d+)</total>");

  private FingerprintTable() {}

  /**
   * @return the total of changesets the matching fingerprint recorded, or null when no usable fingerprint
   *     matches this key over the history as it is now
   */
  static Integer match(Connection connection, String runKey) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(CHECK)) {
      s.setString(1, runKey);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) {
          return null;
        }
        Matcher total = TOTAL.matcher(rs.getString(1));
        return total.find() ? Integer.valueOf(total.group(1)) : null;
      }
    }
  }

  /**
   * Records the fingerprint of the history as committed now, in one statement, and commits. Called by the run
   * that verified it, while it still holds the migration lock and DATABASECHANGELOGLOCK.
   *
   * @param usable false when Liquibase would run something again anyway (runAlways, runOnChange, preconditions):
   *     the row then only replaces an earlier usable one
   */
  static void write(Connection connection, String runKey, int totalChangesets, boolean usable) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id int PRIMARY KEY CHECK (id = 1),"
          + " run_key text NOT NULL, db_user text NOT NULL, db_schema text NOT NULL, history_digest text NOT NULL,"
          + " total_changesets int NOT NULL, usable boolean NOT NULL, written_at timestamptz NOT NULL DEFAULT now())");
    }
    try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + TABLE
        + " (id, run_key, db_user, db_schema, history_digest, total_changesets, usable)"
        + " SELECT 1, ?, current_user, current_schema(), (" + HISTORY_DIGEST + "), ?, ?"
        + " ON CONFLICT (id) DO UPDATE SET run_key = EXCLUDED.run_key, db_user = EXCLUDED.db_user,"
        + " db_schema = EXCLUDED.db_schema, history_digest = EXCLUDED.history_digest,"
        + " total_changesets = EXCLUDED.total_changesets, usable = EXCLUDED.usable, written_at = now()")) {
      s.setString(1, runKey);
      s.setInt(2, totalChangesets);
      s.setBoolean(3, usable);
      s.executeUpdate();
    }
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
  }
}
