package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The migration lock: a PostgreSQL session-level advisory lock on one key per database, or per (database, schema)
 * for a schema-per-tenant target ({@link MigrationLockKey}). The server frees it
 * when the session ends, however the client died, so it can never go stale. It is re-entrant within a
 * session, which lets the runner hold it around the whole run while Liquibase's lock service takes it again.
 */
final class SessionLock implements AutoCloseable {
  /** 'dbmg'. Advisory locks are scoped to the current database, so one constant key serves every database. */
  static final long KEY = MigrationLockKey.DEFAULT;
  private static final long RECHECK_MILLIS = 250;

  private final Connection connection;
  private final long key;

  private SessionLock(Connection connection, long key) {
    this.connection = connection;
    this.key = key;
  }

  /** Waits up to {@code budget} for the lock; on timeout the exception names the holder. */
  static SessionLock await(Connection connection, Duration budget) throws SQLException, LockTimeoutException {
    return await(connection, budget, KEY);
  }

  /** As {@link #await(Connection, Duration)}, on the key of one target ({@link MigrationLockKey#of}). */
  static SessionLock await(Connection connection, Duration budget, long key) throws SQLException, LockTimeoutException {
    long deadline = System.nanoTime() + budget.toNanos();
    while (!tryLock(connection, key)) {
      if (System.nanoTime() > deadline) {
        throw new LockTimeoutException("another migration held the lock for the whole wait budget of "
            + budget.toSeconds() + " s: " + describeHolder(connection, key));
      }
      try {
        Thread.sleep(RECHECK_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LockTimeoutException("interrupted while waiting for the migration lock");
      }
    }
    return new SessionLock(connection, key);
  }

  static boolean tryLock(Connection connection, long key) throws SQLException {
    return call(connection, "SELECT pg_try_advisory_lock(?)", key);
  }

  static void unlock(Connection connection, long key) throws SQLException {
    call(connection, "SELECT pg_advisory_unlock(?)", key);
  }

  /** A session that broke has lost the lock with it, so there is nothing left to release. */
  @Override
  public void close() {
    try {
      if (!connection.isClosed()) {
        unlock(connection, key);
      }
    } catch (SQLException e) {
      // The session is gone, and its lock with it.
    }
  }

  static final String HOLDER_QUERY = """
      SELECT a.pid, a.application_name, a.backend_start, a.state, a.query_start
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ? AND l.objsubid = 1
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""";

  /** pid, application_name and since when: enough for a person to find and judge the holder. */
  static String describeHolder(Connection connection, long key) {
    try (PreparedStatement s = holderQuery(connection, key)) {
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return "the holder has just let go";
        }
        return "held by pid " + rs.getInt("pid") + " (application_name '" + rs.getString("application_name")
            + "', connected since " + rs.getTimestamp("backend_start").toInstant() + ", " + rs.getString("state")
            + (rs.getTimestamp("query_start") == null ? "" : " since " + rs.getTimestamp("query_start").toInstant())
            + ")";
      }
    } catch (SQLException e) {
      return "the holder could not be read: " + e.getMessage();
    }
  }

  /** {@link #HOLDER_QUERY} with its parameters set for {@code key}. */
  static PreparedStatement holderQuery(Connection connection, long key) throws SQLException {
    PreparedStatement s = connection.prepareStatement(HOLDER_QUERY);
    s.setLong(1, MigrationLockKey.classId(key));
    s.setLong(2, MigrationLockKey.objId(key));
    return s;
  }

  private static boolean call(Connection connection, String sql, long key) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      s.setLong(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        boolean value = rs.getBoolean(1);
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
        return value;
      }
    }
  }

  /** The lock stayed held for the whole wait budget. */
  static final class LockTimeoutException extends Exception {
    LockTimeoutException(String message) {
      super(message);
    }
  }
}
