package dev.dbmigrator.runner.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** One-line reads and writes against a test database, and waits on what it shows. */
public final class DatabaseProbe {
  private final TestPostgres pg;
  private final String database;

  public DatabaseProbe(TestPostgres pg, String database) {
    this.pg = pg;
    this.database = database;
  }

  public long count(String sql) throws SQLException {
    try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public void execute(String... sql) throws SQLException {
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  /** Sets (or, with null, resets) the per-database setting dbmigrator.test_sleep_seconds that test SQL reads. */
  public void setSleep(String seconds) throws SQLException {
    execute(seconds == null
        ? "ALTER DATABASE " + database + " RESET dbmigrator.test_sleep_seconds"
        : "ALTER DATABASE " + database + " SET dbmigrator.test_sleep_seconds = '" + seconds + "'");
  }

  /** Waits until the query returns a non-zero count. */
  public void await(String what, Duration limit, String countQuery) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (count(countQuery) == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Waits until no session holds an advisory lock: the killed runner's backend is gone. */
  public void awaitNoAdvisoryLock(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the advisory lock outlived its process by " + limit.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Waits until no other backend is connected to this database (the killed client's backend has ended). */
  public void awaitNoOtherBackend(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        + " AND backend_type = 'client backend'") > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("a backend outlived its killed client by " + limit.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Ends the backends a killed client left behind. The stock CLI does not set client_connection_check_interval,
   * so its orphaned backend finishes its statement first; ending it does what the server does on its next write
   * to the dead socket: its open transaction rolls back, what was committed stays.
   */
  public void terminateOtherBackends() throws SQLException {
    count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
  }

  /** The number of DATABASECHANGELOG rows; 0 before Liquibase created the table. */
  public long historyRows() throws SQLException {
    return count("SELECT (to_regclass('databasechangelog') IS NOT NULL)::int") == 0 ? 0
        : count("SELECT count(*) FROM databasechangelog");
  }
}
