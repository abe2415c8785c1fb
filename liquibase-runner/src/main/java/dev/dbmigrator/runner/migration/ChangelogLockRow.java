package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.DatabaseException;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;
import liquibase.statement.core.CreateDatabaseChangeLogLockTableStatement;
import liquibase.statement.core.CreateDatabaseChangeLogTableStatement;
import liquibase.statement.core.InitializeDatabaseChangeLogLockTableStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps other Liquibase clients (the stock CLI, an application that migrates at start-up) out while the runner
 * works. They know only DATABASECHANGELOGLOCK: they read {@code LOCKED}, then run
 * {@code UPDATE … SET LOCKED = TRUE … WHERE ID = 1 AND LOCKED = FALSE} and commit. A session of the runner's own
 * holds row 1 with {@code SELECT … FOR UPDATE} in a transaction it never commits, so their update waits on the
 * row lock and goes through once that session ends. Nothing is ever written to the row, so a runner that dies
 * leaves it as it found it: the server ends the transaction with the session.
 *
 * <p>A row committed as locked belongs to a client that is migrating now (or crashed without releasing it); it
 * is waited for within the wait budget, then reported, never ignored.
 */
public final class ChangelogLockRow implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangelogLockRow.class);
  /** How the holding session shows in pg_stat_activity. */
  public static final String APPLICATION_NAME = "db-migrator (changelog lock)";
  private static final long RECHECK_MILLIS = 1_000;
  /** As many attempts as Liquibase's StandardLockService.init makes when another client creates it too. */
  private static final int CREATE_ATTEMPTS = 10;

  private final Connection session;

  private ChangelogLockRow(Connection session) {
    this.session = session;
  }

  /**
   * Holds row 1 of DATABASECHANGELOGLOCK on {@code session} (creating the table and row as Liquibase would, if
   * absent) until {@link #close()}. The session is used for nothing else.
   *
   * @param budget the lock wait budget, counted from {@code startedNanos} ({@link System#nanoTime()}), when the
   *     run began to wait for its locks
   * @throws HeldByForeignClient when the row stayed committed as locked for the whole budget
   */
  public static ChangelogLockRow hold(Connection session, Duration budget, long startedNanos)
      throws SQLException, HeldByForeignClient {
    long deadline = startedNanos + budget.toNanos();
    try (Statement s = session.createStatement()) {
      s.execute("SET application_name = '" + APPLICATION_NAME + "'");
      // The transaction stays open, idle, for the whole run: a server-wide idle timeout must not end it early.
      s.execute("SET idle_in_transaction_session_timeout = 0");
    }
    session.setAutoCommit(false);
    Database database;
    try {
      database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(session));
    } catch (DatabaseException e) {
      throw new SQLException("cannot open the changelog lock session: " + e.getMessage(), e);
    }
    String table = database.escapeTableName(database.getLiquibaseCatalogName(), database.getLiquibaseSchemaName(),
        database.getDatabaseChangeLogLockTableName());
    ensureTableAndRow(session, database, table);
    while (true) {
      long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      Holder holder;
      try {
        holder = lockRow(session, table, remainingMillis);
      } catch (SQLException e) {
        session.rollback();
        if (!"55P03".equals(e.getSQLState())) {
          throw e;
        }
        // Another session kept the row itself locked (a client between its update and its commit) all along.
        holder = new Holder(null, null);
      }
      if (holder == null) {
        releaseSnapshot(session);
        return new ChangelogLockRow(session);
      }
      session.rollback();
      if (System.nanoTime() >= deadline) {
        throw new HeldByForeignClient(holder, budget);
      }
      LOG.info("DATABASECHANGELOGLOCK is held by {} since {}; waiting", holder.lockedBy(), holder.lockGranted());
      sleep(Math.min(RECHECK_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /**
   * The driver runs the locking SELECT in an unnamed portal, which keeps its snapshot until another statement
   * replaces it; an idle transaction holding a snapshot makes every CREATE INDEX CONCURRENTLY in the database wait
   * for it to end, so a concurrent index build of the runner's own would wait forever on this session. A
   * statement that takes no snapshot replaces the portal, and the transaction keeps only its row lock.
   */
  private static void releaseSnapshot(Connection session) throws SQLException {
    try (Statement s = session.createStatement()) {
      s.execute("SET LOCAL lock_timeout = 0");
    }
  }

  /** Locks row 1; null when it was free (and is now held), else who holds it. */
  private static Holder lockRow(Connection session, String table, long lockTimeoutMillis) throws SQLException {
    try (Statement s = session.createStatement()) {
      s.execute("SET LOCAL lock_timeout = " + lockTimeoutMillis);
    }
    try (PreparedStatement s = session.prepareStatement(
            "SELECT locked, lockgranted, lockedby FROM " + table + " WHERE id = 1 FOR UPDATE");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("row 1 of " + table + " vanished while it was being locked");
      }
      if (!rs.getBoolean("locked")) {
        return null;
      }
      // LOCKGRANTED is a timestamp without time zone in the writer's local time: shown as stored.
      return new Holder(rs.getString("lockedby"), rs.getString("lockgranted"));
    }
  }

  /**
   * Liquibase's own statements, from its SQL generators, in the order a stock client runs them before it asks for
   * the lock: DATABASECHANGELOG if it is missing (as StandardChangeLogHistoryService.init creates it), then, as
   * StandardLockService.init does, DATABASECHANGELOGLOCK if it is missing and row 1 if the table is empty. A
   * client creating them at the same moment makes one side fail; this side then rolls back, waits a random
   * moment under a second and looks again, as StandardLockService does (the stock history service does not
   * retry, so creating DATABASECHANGELOG here keeps the runner's own update out of that race).
   */
  private static void ensureTableAndRow(Connection session, Database database, String table) throws SQLException {
    String history = database.escapeTableName(database.getLiquibaseCatalogName(), database.getLiquibaseSchemaName(),
        database.getDatabaseChangeLogTableName());
    for (int attempt = 1; ; attempt++) {
      try {
        if (!exists(session, history)) {
          execute(session, database, new CreateDatabaseChangeLogTableStatement());
          session.commit();
          LOG.info("created {}", history);
        }
        if (!exists(session, table)) {
          execute(session, database, new CreateDatabaseChangeLogLockTableStatement());
          session.commit();
          LOG.info("created {}", table);
        }
        if (!hasRow(session, table)) {
          execute(session, database, new InitializeDatabaseChangeLogLockTableStatement());
          session.commit();
        }
        session.commit();
        return;
      } catch (SQLException e) {
        session.rollback();
        if (attempt == CREATE_ATTEMPTS) {
          throw e;
        }
        LOG.debug("creating {} raced with another client (attempt {}): {}", table, attempt, e.getMessage());
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(1_000));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean exists(Connection session, String table) throws SQLException {
    try (PreparedStatement s = session.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static boolean hasRow(Connection session, String table) throws SQLException {
    try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  private static void execute(Connection session, Database database, SqlStatement statement) throws SQLException {
    for (Sql sql : SqlGeneratorFactory.getInstance().generateSql(statement, database)) {
      try (Statement s = session.createStatement()) {
        s.execute(sql.toSql());
      }
    }
  }

  private static void sleep(long millis) throws HeldByForeignClient {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeldByForeignClient("interrupted while waiting for DATABASECHANGELOGLOCK");
    }
  }

  /** Ends the holding transaction; the row is as it was. A broken session has already lost its lock. */
  @Override
  public void close() {
    try {
      if (!session.isClosed()) {
        session.rollback();
      }
    } catch (SQLException e) {
      // The session is gone, and the row lock with it.
    }
  }

  /** LOCKEDBY and LOCKGRANTED of a row committed as locked; both null when the row itself stayed locked. */
  record Holder(String lockedBy, String lockGranted) {}

  /** Another Liquibase client held DATABASECHANGELOGLOCK for the whole wait budget. */
  public static final class HeldByForeignClient extends Exception {
    HeldByForeignClient(String message) {
      super(message);
    }

    HeldByForeignClient(Holder holder, Duration budget) {
      super(holder.lockedBy() == null
          ? "another Liquibase client kept row 1 of DATABASECHANGELOGLOCK locked for the whole lock wait budget of "
              + budget.toSeconds() + " s; nothing was applied. Find it in pg_locks / pg_stat_activity."
          : "DATABASECHANGELOGLOCK is locked by another Liquibase client (LOCKEDBY '" + holder.lockedBy()
              + "', LOCKGRANTED " + (holder.lockGranted() == null ? "unknown" : holder.lockGranted())
              + ") and stayed locked for the whole lock wait budget of " + budget.toSeconds()
              + " s; nothing was applied. If that client is still migrating, run again when it has finished;"
              + " if it died (the lock is stale), release it with `liquibase release-locks` and run again.");
    }
  }
}
