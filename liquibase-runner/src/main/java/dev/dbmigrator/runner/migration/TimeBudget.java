package dev.dbmigrator.runner.migration;

import java.time.Duration;

/**
 * Starts no changeset inside the reserve at the end of the invocation. A changeset that the timeout still cuts
 * off is rolled back whole by PostgreSQL's transactional DDL, but stopping between changesets lets the run
 * record an honest result (TIME_BUDGET, with correct counts) instead of vanishing in a timeout.
 */
record TimeBudget(Deadline deadline, Duration reserve) {
  void checkBeforeChangeset(String changesetId) {
    Duration left = deadline.remaining();
    if (left.compareTo(reserve) < 0) {
      throw new Exhausted("stopped before " + changesetId + ": " + left.toSeconds() + " s left, inside the reserve of "
          + reserve.toSeconds() + " s; the next run continues from here");
    }
  }

  /** The time left before the reserve; negative once inside it. */
  Duration spare() {
    return deadline.remaining().minus(reserve);
  }

  static final class Exhausted extends RuntimeException {
    Exhausted(String message) {
      super(message);
    }
  }
}
