package dev.dbmigrator.runner.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.time.Instant;
import java.util.UUID;

/**
 * An operator's run from a workstation: there is no deploy to react to, so it enters the runner as an event
 * of the local source, which the trigger parser accepts only from here (the Lambda never sees this source on
 * its rules). Nothing in it chooses the changelog or the database.
 */
final class LocalTrigger {
  /** Local runs watch no stack: the parser needs a list, and this placeholder matches no real event. */
  static final WatchedStacks WATCHED =
      WatchedStacks.parse("arn:aws:cloudformation:local-0:000000000000:stack/local/");

  private LocalTrigger() {}

  static JsonNode event(boolean dryRun) {
    ObjectNode event = JsonNodeFactory.instance.objectNode()
        .put("id", UUID.randomUUID().toString())
        .put("source", dev.dbmigrator.runner.trigger.TriggerParser.LOCAL_SOURCE)
        .put("detail-type", dev.dbmigrator.runner.trigger.TriggerParser.LOCAL_RUN)
        .put("time", Instant.now().toString());
    event.putObject("detail").put("dryRun", dryRun);
    return event;
  }
}
