package dev.dbmigrator.runner.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.trigger.WatchedStacks;

/** Lets tests outside this package build the event and watch list a local run uses. */
public final class LocalTriggerAccess {
  public static final WatchedStacks WATCHED = LocalTrigger.WATCHED;

  private LocalTriggerAccess() {}

  public static JsonNode event(boolean dryRun) {
    return LocalTrigger.event(dryRun);
  }
}
