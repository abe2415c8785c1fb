package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LockException;
import liquibase.lockservice.DatabaseChangeLogLock;
import liquibase.lockservice.LockService;

/**
 * Liquibase's lock service on the runner's {@link SessionLock} instead of the DATABASECHANGELOGLOCK row, which
 * survives a killed process (the next run then waits five minutes and fails). The runner already holds the
 * session lock around the whole run; taking it again here is immediate, because advisory locks are
 * re-entrant within a session, and it keeps any other Liquibase use of this connection serialised too.
 *
 * <p>Other Liquibase clients know only DATABASECHANGELOGLOCK: {@link ChangelogLockRow} holds its row for them
 * from a second session while the runner updates, and waits for a row they committed as locked.
 */
public final class AdvisoryLockService implements LockService {
  private Database database;
  private boolean hasLock;

  @Override
  public int getPriority() {
    return PRIORITY_DATABASE;
  }

  @Override
  public boolean supports(Database database) {
    return database instanceof PostgresDatabase;
  }

  @Override
  public void setDatabase(Database database) {
    this.database = database;
  }

  // The wait budget is the runner's (SessionLock.await); Liquibase's minute-granular settings do not apply.
  @Override
  public void setChangeLogLockWaitTime(long minutes) {}

  @Override
  public void setChangeLogLockRecheckTime(long seconds) {}

  @Override
  public boolean hasChangeLogLock() {
    return hasLock;
  }

  @Override
  public void waitForLock() throws LockException {
    if (!acquireLock()) {
      throw new LockException("the migration lock is " + SessionLock.describeHolder(connection(), key()));
    }
  }

  @Override
  public boolean acquireLock() throws LockException {
    if (hasLock) {
      return true;
    }
    try {
      hasLock = SessionLock.tryLock(connection(), key());
    } catch (SQLException e) {
      throw new LockException("advisory lock failed: " + e.getMessage(), e);
    }
    return hasLock;
  }

  @Override
  public void releaseLock() throws LockException {
    if (hasLock) {
      try {
        SessionLock.unlock(connection(), key());
      } catch (SQLException e) {
        throw new LockException("advisory unlock failed: " + e.getMessage(), e);
      } finally {
        hasLock = false;
      }
    }
  }

  @Override
  public DatabaseChangeLogLock[] listLocks() throws LockException {
    List<DatabaseChangeLogLock> locks = new ArrayList<>();
    try (PreparedStatement s = SessionLock.holderQuery(connection(), key())) {
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          locks.add(new DatabaseChangeLogLock(rs.getInt("pid"), rs.getTimestamp("backend_start"),
              rs.getString("application_name")));
        }
      }
    } catch (SQLException e) {
      throw new LockException("cannot list advisory locks: " + e.getMessage(), e);
    }
    return locks.toArray(new DatabaseChangeLogLock[0]);
  }

  @Override
  public void forceReleaseLock() throws LockException {
    releaseLock();
  }

  @Override
  public void reset() {
    hasLock = false;
  }

  @Override
  public void init() {}

  @Override
  public void destroy() {}

  /** The run's key (per schema for a schema-per-tenant target), set in the scope the run works in. */
  private static long key() {
    Long key = Scope.getCurrentScope().get(MigrationLockKey.SCOPE_KEY, Long.class);
    return key == null ? MigrationLockKey.DEFAULT : key;
  }

  private Connection connection() {
    return ((JdbcConnection) database.getConnection()).getUnderlyingConnection();
  }
}
