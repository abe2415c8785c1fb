package dev.dbmigrator.runner.migration;

import java.time.Duration;

/** How long the invocation has left: Lambda's remaining time, or no limit on a workstation. */
@FunctionalInterface
public interface Deadline {
  Deadline NONE = () -> Duration.ofDays(1);

  Duration remaining();
}
