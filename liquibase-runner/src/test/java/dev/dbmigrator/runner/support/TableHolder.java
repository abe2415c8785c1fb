package dev.dbmigrator.runner.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/**
 * An application session that keeps a transaction open after touching a table, as a request handler that
 * forgot to commit does: it holds its lock on the table until {@link #release} (or close) commits.
 */
public final class TableHolder implements AutoCloseable {
  public static final String APPLICATION_NAME = "orders-api";
  private final Connection connection;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private boolean released;

  private TableHolder(Connection connection) {
    this.connection = connection;
  }

  /** Opens a session named {@link #APPLICATION_NAME}, begins a transaction, runs {@code sql}, and stays open. */
  public static TableHolder hold(TestPostgres pg, String database, String sql) throws SQLException {
    Connection connection = pg.connect(database);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET application_name = '" + APPLICATION_NAME + "'");
      connection.setAutoCommit(false);
      statement.execute(sql);
    }
    return new TableHolder(connection);
  }

  public int pid() throws SQLException {
    return connection.unwrap(PGConnection.class).getBackendPID();
  }

  /** Commits after {@code delay}, from a timer thread, while the test does something else. */
  public void releaseAfter(Duration delay) {
    timer.schedule(() -> {
      release();
      return null;
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  public synchronized void release() throws SQLException {
    if (!released) {
      released = true;
      connection.commit();
    }
  }

  @Override
  public void close() throws SQLException {
    timer.shutdownNow();
    try {
      release();
    } finally {
      connection.close();
    }
  }
}
