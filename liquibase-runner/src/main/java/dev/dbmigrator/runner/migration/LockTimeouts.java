package dev.dbmigrator.runner.migration;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * How transactional changesets meet live traffic. An {@code ALTER TABLE} that waits for a lock makes every later
 * query on that table queue behind it, so the application stalls for as long as the blocker lives: each
 * transactional changeset runs under {@code lock_timeout}, and a changeset that times out on a lock (rolled back
 * whole) is retried with backoff within {@code retryBudget}. {@code statementTimeout} is separate and off by
 * default, because data migrations may be long. A zero duration turns a setting off; a zero retry budget never
 * retries.
 *
 * <p>Non-transactional changesets ({@code runInTransaction: false}, such as {@code CREATE INDEX CONCURRENTLY})
 * run with neither timeout and are never retried: a concurrent build waits without blocking the application's
 * reads and writes, while a timeout in the middle of one leaves an INVALID index behind.
 */
public record LockTimeouts(Duration lockTimeout, Duration statementTimeout, Duration retryBudget) {
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofMinutes(2);
  public static final LockTimeouts DEFAULT =
      new LockTimeouts(DEFAULT_LOCK_TIMEOUT, Duration.ZERO, DEFAULT_RETRY_BUDGET);
  /** The behaviour before lock timeouts: a changeset waits for its locks as long as it takes. */
  public static final LockTimeouts OFF = new LockTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO);

  public LockTimeouts {
    for (Duration d : new Duration[] {lockTimeout, statementTimeout, retryBudget}) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("lock timeouts and the retry budget must be zero or more");
      }
    }
  }

  public boolean enabled() {
    return !lockTimeout.isZero();
  }

  /**
   * A number of seconds as an environment variable or an option gives it ({@code 5}, {@code 0.5}); blank or null
   * keeps the fallback.
   *
   * @throws IllegalArgumentException naming {@code name} when the value is not a number of seconds, zero or more
   */
  public static Duration seconds(String name, String value, Duration fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      BigDecimal seconds = new BigDecimal(value.trim());
      if (seconds.signum() < 0) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(seconds.movePointRight(3).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " must be a number of seconds, zero or more (at most millisecond"
          + " precision), got \"" + value + "\"");
    }
  }

  /** PostgreSQL's setting for a duration: whole milliseconds, 0 for off. */
  static String setting(Duration duration) {
    return Long.toString(duration.toMillis());
  }
}
