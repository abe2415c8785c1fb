package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Runs the update again when a transactional changeset gave up waiting for a lock (SQLSTATE 55P03,
 * lock_not_available). That changeset was rolled back whole, its DATABASECHANGELOG row with it (see
 * {@link AtomicChangesets}), so the next attempt starts it from the beginning, and the changesets already
 * committed are not pending any more. Between attempts it pauses with exponential backoff and jitter, so that
 * the application's queued queries drain and retries of several runners do not line up. It retries while the
 * retry budget, counted from the first lock timeout, and the invocation's time budget both allow; then the run
 * fails with LOCK_CONTENDED, naming the blockers it saw. A non-transactional changeset is never retried.
 */
final class LockRetries {
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

  /** One attempt of the update. */
  @FunctionalInterface
  interface Attempt {
    void run() throws Exception;
  }

  /** The retries are spent: the failure that LiquibaseMigration records as LOCK_CONTENDED. */
  static final class Contended extends Exception {
    Contended(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final LockTimeouts timeouts;
  private final TimeBudget timeBudget;
  private final SessionOpener samplerSessions;
  private int retries;
  private List<Blocker> blockers = List.of();

  LockRetries(LockTimeouts timeouts, TimeBudget timeBudget, SessionOpener samplerSessions) {
    this.timeouts = timeouts;
    this.timeBudget = timeBudget;
    this.samplerSessions = samplerSessions;
  }

  int retries() {
    return retries;
  }

  /** When the retries were spent: the blockers seen during the last lock wait; otherwise none. */
  List<Blocker> blockers() {
    return blockers;
  }

  void run(Connection migration, AppliedChangesetRecorder recorder, Attempt attempt) throws Exception {
    if (!timeouts.enabled()) {
      attempt.run();
      return;
    }
    try (BlockerSampler sampler = samplerSessions == null ? null
        : BlockerSampler.start(samplerSessions, backendPid(migration), timeouts.lockTimeout())) {
      long giveUpAt = 0;
      while (true) {
        long started = System.nanoTime();
        try {
          attempt.run();
          blockers = List.of();
          return;
        } catch (Exception e) {
          if (!lockTimedOut(e) || !recorder.failedInTransaction()) {
            blockers = List.of();
            throw e;
          }
          blockers = sampler == null ? List.of() : sampler.blockersSince(started);
          long now = System.nanoTime();
          if (retries == 0) {
            giveUpAt = now + timeouts.retryBudget().toNanos();
          }
          Duration pause = pause(retries);
          String stop = now + pause.toNanos() > giveUpAt ? "the lock retry budget of "
                  + seconds(timeouts.retryBudget()) + " is spent"
              : timeBudget.spare().compareTo(pause.plus(timeouts.lockTimeout())) < 0
                  ? "the invocation's time budget leaves no room for another attempt"
                  : null;
          if (stop != null) {
            throw new Contended(contendedMessage(recorder.failed(), stop), e);
          }
          Thread.sleep(pause.toMillis());
          retries++;
          recorder.retrying();
        }
      }
    }
  }

  private String contendedMessage(String changeset, String stop) {
    String who = blockers.isEmpty()
        ? "the blocking session could not be seen (grant the runner's role pg_read_all_stats to name it)"
        : "blocked by " + blockers.stream().map(Blocker::describe).collect(Collectors.joining("; "));
    return "changeset " + changeset + " waited longer than lock_timeout (" + seconds(timeouts.lockTimeout())
        + ") for a lock on " + (retries + 1) + " attempt(s), " + retries + " lock retry(ies), and " + stop
        + "; it was rolled back whole each time, so nothing of it was applied. " + who
        + ". End that transaction (or wait until it ends) and run again; the next run continues from this"
        + " changeset";
  }

  /** Exponential backoff from 1 s up to 10 s, each pause drawn between half and all of it (jitter). */
  static Duration pause(int retry) {
    long ceiling = Math.min(LONGEST_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(retry, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  static boolean lockTimedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static int backendPid(Connection connection) throws SQLException {
    return connection.unwrap(PGConnection.class).getBackendPID();
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0).replace(".0 s", " s");
  }
}
