package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, from a session of its own, whether the migration's backend waits for a lock, and notes who blocks it.
 * It must look while the statement waits: once lock_timeout fires, the waiter is gone and nothing blocks any more.
 * It first reads only pg_stat_activity (no lock manager access), and calls pg_blocking_pids only while the
 * migration's backend waits on a lock, because that function briefly takes the lock manager's shared state.
 * Its session is opened in the background and closed on every path ({@link #close}); if it cannot be opened, the
 * run goes on and its results simply name no blocker.
 */
final class BlockerSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockerSampler.class);
  private static final String WAITING = "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?";
  private static final String BLOCKERS = "SELECT b.pid, b.application_name, b.state,"
      + " (extract(epoch FROM clock_timestamp() - b.xact_start) * 1000)::bigint"
      + " FROM unnest(pg_blocking_pids(?)) AS blocking(pid) JOIN pg_stat_activity b ON b.pid = blocking.pid"
      + " ORDER BY b.xact_start NULLS LAST LIMIT 3";

  private final SessionOpener opener;
  private final int waiterPid;
  private final ScheduledExecutorService executor;
  private volatile Connection session;
  private boolean closed;
  private boolean failed;
  private volatile Sample last = new Sample(Long.MIN_VALUE, List.of());

  private record Sample(long atNanos, List<Blocker> blockers) {}

  private BlockerSampler(SessionOpener opener, int waiterPid, Duration interval) {
    this.opener = opener;
    this.waiterPid = waiterPid;
    this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "db-migrator-blocker-sampler");
      thread.setDaemon(true);
      return thread;
    });
    // The first look comes one interval in: a run with nothing to wait for never opens the extra session.
    executor.scheduleWithFixedDelay(this::sample, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Samples every fifth of the lock timeout (between 50 and 500 ms), so a few samples fall inside each wait. */
  static BlockerSampler start(SessionOpener opener, int waiterPid, Duration lockTimeout) {
    long millis = Math.max(50, Math.min(500, lockTimeout.toMillis() / 5));
    return new BlockerSampler(opener, waiterPid, Duration.ofMillis(millis));
  }

  /** The blockers of the latest wait sampled at or after {@code sinceNanos} (System.nanoTime), or none. */
  List<Blocker> blockersSince(long sinceNanos) {
    Sample sample = last;
    return sample.atNanos() - sinceNanos >= 0 ? sample.blockers() : List.of();
  }

  private void sample() {
    if (failed) {
      return;
    }
    try {
      if (session == null && !opened()) {
        return;
      }
      if (!waiting()) {
        return;
      }
      List<Blocker> blockers = blockers();
      if (!blockers.isEmpty()) {
        last = new Sample(System.nanoTime(), List.copyOf(blockers));
      }
    } catch (Exception e) {
      // Naming the blocker is a courtesy to the reader of the result; it must never fail the run.
      failed = true;
      LOG.warn("cannot watch for lock waits, so a lock timeout will not name its blocker: {}", e.getMessage());
    }
  }

  /** Opens the session, unless {@link #close} came first; then nothing may outlive the run. */
  private boolean opened() throws Exception {
    Connection connection = opener.open();
    connection.setAutoCommit(true);
    synchronized (this) {
      if (!closed) {
        session = connection;
        return true;
      }
    }
    connection.close();
    return false;
  }

  private boolean waiting() throws SQLException {
    try (PreparedStatement statement = session.prepareStatement(WAITING)) {
      statement.setInt(1, waiterPid);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() && rows.getBoolean(1);
      }
    }
  }

  private List<Blocker> blockers() throws SQLException {
    List<Blocker> blockers = new ArrayList<>();
    try (PreparedStatement statement = session.prepareStatement(BLOCKERS)) {
      statement.setInt(1, waiterPid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long age = rows.getLong(4);
          blockers.add(new Blocker(rows.getInt(1), rows.getString(2), rows.getString(3),
              rows.wasNull() ? null : age));
        }
      }
    }
    return blockers;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("the blocker sampler did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A sample still running after the wait fails on the closed session, which is all it can do now.
    synchronized (this) {
      if (session != null) {
        try {
          session.close();
        } catch (SQLException e) {
          LOG.warn("closing the blocker sampler's session failed: {}", e.getMessage());
        }
        session = null;
      }
    }
  }
}
