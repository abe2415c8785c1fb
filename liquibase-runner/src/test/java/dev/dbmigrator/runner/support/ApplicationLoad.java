package dev.dbmigrator.runner.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application reading a table: one SELECT every {@code periodMs}, each on a free connection of a pool of its
 * own. A query's latency runs from the moment it was due, not from when a connection became free, so queries
 * that queue behind a stalled one count their wait too.
 */
public final class ApplicationLoad implements AutoCloseable {
  private final BlockingQueue<Connection> pool;
  private final List<Connection> connections = new ArrayList<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService workers;
  private final String sql;
  private final AtomicLong maxLatencyNanos = new AtomicLong();
  private final AtomicInteger queries = new AtomicInteger();
  private final AtomicInteger slowQueries = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();

  public ApplicationLoad(TestPostgres pg, String database, String sql, int connections, long periodMs)
      throws SQLException {
    this.sql = sql;
    this.pool = new ArrayBlockingQueue<>(connections);
    this.workers = Executors.newFixedThreadPool(connections);
    for (int i = 0; i < connections; i++) {
      Connection connection = pg.connect(database);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET application_name = 'application-load'");
      }
      this.connections.add(connection);
      pool.add(connection);
    }
    ticker.scheduleAtFixedRate(this::issue, 0, periodMs, TimeUnit.MILLISECONDS);
  }

  private void issue() {
    long due = System.nanoTime();
    workers.execute(() -> {
      Connection connection = null;
      try {
        connection = pool.take();
        try (Statement statement = connection.createStatement()) {
          statement.execute(sql);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException e) {
        errors.incrementAndGet();
      } finally {
        if (connection != null) {
          pool.add(connection);
        }
      }
      long latency = System.nanoTime() - due;
      queries.incrementAndGet();
      if (latency > TimeUnit.SECONDS.toNanos(1)) {
        slowQueries.incrementAndGet();
      }
      maxLatencyNanos.accumulateAndGet(latency, Math::max);
    });
  }

  public long maxLatencyMs() {
    return TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos.get());
  }

  public int queries() {
    return queries.get();
  }

  /** Queries that took longer than one second. */
  public int slowQueries() {
    return slowQueries.get();
  }

  public int errors() {
    return errors.get();
  }

  /** Stops issuing, lets the issued queries finish, and closes the pool. */
  @Override
  public void close() throws Exception {
    ticker.shutdownNow();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    workers.shutdown();
    workers.awaitTermination(60, TimeUnit.SECONDS);
    for (Connection connection : connections) {
      connection.close();
    }
  }
}
