package dev.dbmigrator.runner.support;

import java.util.Random;

/**
 * Where to kill. A reference run measures how long the apply of its changesets takes; each kill then picks a
 * uniformly random number of changesets k (1 to N-1), waits until its own run has recorded k of them, and waits
 * again a random 0 to 2 average changeset durations, so kills land inside changesets, between them, and inside
 * the commit of their history rows alike, and never after the apply has finished. A printed seed replays the
 * sequence.
 */
public final class KillSchedule {
  public final long firstRowMs;
  public final long lastRowMs;
  public final long seed;
  private final int total;
  private final Random random;

  /** Where one kill lands: after {@code rows} history rows, plus {@code delayMs}. */
  public record Point(int rows, long delayMs) {}

  public KillSchedule(long firstRowMs, long lastRowMs, int total) {
    this.firstRowMs = firstRowMs;
    this.lastRowMs = lastRowMs;
    this.total = total;
    this.seed = Long.getLong("killTest.seed", System.nanoTime());
    this.random = new Random(seed);
  }

  public Point next() {
    double perChangesetMs = (double) (lastRowMs - firstRowMs) / Math.max(1, total - 1);
    return new Point(1 + random.nextInt(total - 1), (long) (random.nextDouble() * 2 * perChangesetMs));
  }

  /** Waits until the process's run has recorded {@code point.rows()} changesets, then the point's delay. */
  public static void awaitPoint(Process process, DatabaseProbe probe, Point point) throws Exception {
    while (probe.historyRows() < point.rows()) {
      if (!process.isAlive()) {
        throw new AssertionError("the process ended before recording " + point.rows() + " changesets");
      }
      Thread.sleep(5);
    }
    Thread.sleep(point.delayMs());
  }

  /**
   * Watches a starting process's database until all {@code total} changesets are recorded. Returns the schedule
   * those times give.
   */
  public static KillSchedule measure(Process process, DatabaseProbe probe, int total) throws Exception {
    long start = System.nanoTime();
    long first = -1;
    while (true) {
      long rows = probe.historyRows();
      long now = (System.nanoTime() - start) / 1_000_000;
      if (rows > 0 && first < 0) {
        first = now;
      }
      if (rows >= total) {
        return new KillSchedule(first, now, total);
      }
      if (!process.isAlive()) {
        throw new AssertionError("the reference run ended with " + rows + " of " + total + " changesets recorded");
      }
      Thread.sleep(25);
    }
  }

  /** Drops a database the loop is done with: a thousand tables per database add up over 30 kills. */
  public static void drop(TestPostgres pg, String database) throws Exception {
    try (var c = pg.connect("postgres"); var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
}
