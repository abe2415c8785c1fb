package dev.dbmigrator.runner.support;

import java.util.Random;

/**
 * When to kill: a reference run measured when its first and its last changeset landed in DATABASECHANGELOG
 * (milliseconds after its process started). Each kill waits for the first row of its own run (start-up time
 * varies on a loaded machine), then a uniformly random part of the apply's length, from a printed seed that
 * replays the sequence.
 */
public final class KillSchedule {
  public final long firstRowMs;
  public final long lastRowMs;
  public final long seed;
  private final Random random;

  public KillSchedule(long firstRowMs, long lastRowMs) {
    this.firstRowMs = firstRowMs;
    this.lastRowMs = lastRowMs;
    this.seed = Long.getLong("killTest.seed", System.nanoTime());
    this.random = new Random(seed);
  }

  /** Milliseconds to wait after the first history row of a run before killing it. */
  public long nextKillMs() {
    return (long) (random.nextDouble() * (lastRowMs - firstRowMs));
  }

  /** Waits until the process's run has recorded its first changeset; false if the process ended first. */
  public static boolean awaitFirstRow(Process process, DatabaseProbe probe) throws Exception {
    while (probe.historyRows() == 0) {
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * Watches a starting process's database until all {@code total} changesets are recorded or the process ends.
   * Returns the schedule those times give.
   */
  public static KillSchedule measure(Process process, DatabaseProbe probe, int total) throws Exception {
    long start = System.nanoTime();
    long first = -1;
    long last = -1;
    while (process.isAlive() || last < 0) {
      long rows = probe.historyRows();
      long now = (System.nanoTime() - start) / 1_000_000;
      if (rows > 0 && first < 0) {
        first = now;
      }
      if (rows >= total) {
        last = now;
        break;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the reference run ended with " + rows + " of " + total + " changesets recorded");
      }
      Thread.sleep(25);
    }
    return new KillSchedule(first, last);
  }

  /** Drops a database the loop is done with: a thousand tables per database add up over 30 kills. */
  public static void drop(TestPostgres pg, String database) throws Exception {
    try (var c = pg.connect("postgres"); var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
}
