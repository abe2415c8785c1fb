package dev.dbmigrator.runner.migration;

import java.time.Duration;

/** Lets tests outside the package read the pauses between lock retries. */
public final class LockRetriesAccess {
  private LockRetriesAccess() {}

  public static Duration pause(int retry) {
    return LockRetries.pause(retry);
  }
}
