package dev.dbmigrator.runner.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.trigger.ParsedTrigger.Accepted;
import dev.dbmigrator.runner.trigger.ParsedTrigger.Rejected;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an incoming event into a {@link Trigger}, or a clean rejection. It never throws on bad input: a
 * malformed event becomes INVALID_EVENT, a well-formed event that should not run becomes NOT_A_TRIGGER.
 */
public final class TriggerParser {
  public static final String CLOUDFORMATION_SOURCE = "aws.cloudformation";
  public static final String STACK_STATUS_CHANGE = "CloudFormation Stack Status Change";
  public static final String REPLAY_SOURCE = "db-migrator.replay";
  public static final String REPLAY_REQUESTED = "Migration Replay Requested";
  /** A fleet's replay request: the same detail, plus the ids of the targets to run again (null for all). */
  public static final String FLEET_REPLAY_REQUESTED = "Fleet Migration Replay Requested";
  /** Runs started by an operator on a workstation; accepted only by a parser built for local runs. */
  public static final String LOCAL_SOURCE = "db-migrator.local";
  public static final String LOCAL_RUN = "Local Migration Requested";

  /** The statuses the main rule passes; the event's own status must be one of them. */
  private static final Set<String> TRIGGER_STATUSES = Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE");
  private static final Set<String> REPLAY_KEYS = Set.of("stackName", "dryRun", "reason");
  private static final Set<String> FLEET_REPLAY_KEYS = Set.of("stackName", "dryRun", "reason", "targetIds");
  private static final Pattern EVENT_ID = Pattern.compile("[-A-Za-z0-9_.:]{1,128}");
  private static final int MAX_REPLAY_REASON = 1024;

  private final WatchedStacks watched;
  private final boolean acceptsLocalRuns;
  private final String replayDetailType;
  private final Set<String> replayKeys;

  /** The Lambda's parser: CloudFormation events and replay requests only. */
  public TriggerParser(WatchedStacks watched) {
    this(watched, false);
  }

  public TriggerParser(WatchedStacks watched, boolean acceptsLocalRuns) {
    this(watched, acceptsLocalRuns, REPLAY_REQUESTED, REPLAY_KEYS);
  }

  private TriggerParser(WatchedStacks watched, boolean acceptsLocalRuns, String replayDetailType,
      Set<String> replayKeys) {
    this.watched = watched;
    this.acceptsLocalRuns = acceptsLocalRuns;
    this.replayDetailType = replayDetailType;
    this.replayKeys = replayKeys;
  }

  /**
   * The fleet gate's parser: CloudFormation events as for a single database, and fleet replay requests, whose
   * detail may also hold {@code targetIds} (the caller validates those).
   */
  public static TriggerParser forFleet(WatchedStacks watched) {
    return new TriggerParser(watched, false, FLEET_REPLAY_REQUESTED, FLEET_REPLAY_KEYS);
  }

  public ParsedTrigger parse(JsonNode event) {
    if (event == null || !event.isObject()) {
      return invalid("the event is not a JSON object", Trigger.Type.CLOUDFORMATION);
    }
    String source = text(event, "source");
    String detailType = text(event, "detail-type");
    if (source == null || detailType == null) {
      return invalid("the event has no string 'source' and 'detail-type'", Trigger.Type.CLOUDFORMATION);
    }
    if (source.equals(CLOUDFORMATION_SOURCE)) {
      return parseCloudFormation(event, detailType);
    }
    if (source.equals(REPLAY_SOURCE)) {
      return parseReplay(event, detailType);
    }
    if (source.equals(LOCAL_SOURCE) && acceptsLocalRuns && detailType.equals(LOCAL_RUN)) {
      JsonNode dryRun = event.path("detail").path("dryRun");
      return new Accepted(new Trigger(Trigger.Type.LOCAL, text(event, "id"), null, null, null, time(event),
          dryRun.asBoolean(false), null));
    }
    return new Rejected(Reason.NOT_A_TRIGGER, "events from this source do not start a migration",
        bare(Trigger.Type.CLOUDFORMATION, event));
  }

  private ParsedTrigger parseCloudFormation(JsonNode event, String detailType) {
    Trigger.Type type = Trigger.Type.CLOUDFORMATION;
    if (!detailType.equals(STACK_STATUS_CHANGE)) {
      return new Rejected(Reason.NOT_A_TRIGGER,
          "only '" + STACK_STATUS_CHANGE + "' events start a migration", bare(type, event));
    }
    String eventId = text(event, "id");
    String time = time(event);
    JsonNode detail = event.get("detail");
    if (eventId == null || !EVENT_ID.matcher(eventId).matches() || time == null || detail == null
        || !detail.isObject()) {
      return invalid("the stack status event needs a string 'id', an ISO-8601 'time' and a 'detail' object", type);
    }
    String stackId = text(detail, "stack-id");
    JsonNode statusDetails = detail.get("status-details");
    String status = statusDetails != null && statusDetails.isObject() ? text(statusDetails, "status") : null;
    if (stackId == null || StackArn.nameOf(stackId).isEmpty()) {
      return invalid("detail.stack-id is not a CloudFormation stack ARN", type);
    }
    if (status == null || !StackStatuses.ALL.contains(status)) {
      return invalid("detail.status-details.status is not a CloudFormation stack status", type);
    }
    Trigger trigger = new Trigger(type, eventId, stackId, StackArn.nameOf(stackId).get(), status, time, false, null);
    if (!watched.containsStackId(stackId)) {
      return new Rejected(Reason.NOT_A_TRIGGER, "stack " + trigger.stackName() + " is not watched", trigger);
    }
    if (!TRIGGER_STATUSES.contains(status)) {
      return new Rejected(Reason.NOT_A_TRIGGER, "status " + status + " does not start a migration", trigger);
    }
    return new Accepted(trigger);
  }

  private ParsedTrigger parseReplay(JsonNode event, String detailType) {
    Trigger.Type type = Trigger.Type.REPLAY;
    if (!detailType.equals(replayDetailType)) {
      return new Rejected(Reason.NOT_A_TRIGGER,
          "only '" + replayDetailType + "' events from " + REPLAY_SOURCE + " start a replay", bare(type, event));
    }
    String eventId = text(event, "id");
    String time = time(event);
    JsonNode detail = event.get("detail");
    if (eventId == null || !EVENT_ID.matcher(eventId).matches() || time == null || detail == null
        || !detail.isObject()) {
      return invalid("the replay request needs a string 'id', an ISO-8601 'time' and a 'detail' object", type);
    }
    for (Iterator<String> keys = detail.fieldNames(); keys.hasNext(); ) {
      if (!replayKeys.contains(keys.next())) {
        return invalid("a replay request's detail may hold only " + String.join(", ", replayKeys.stream().sorted()
            .toList()), type);
      }
    }
    String stackName = text(detail, "stackName");
    if (!StackArn.isValidName(stackName)) {
      return invalid("detail.stackName is not a CloudFormation stack name", type);
    }
    JsonNode dryRun = detail.get("dryRun");
    if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
      return invalid("detail.dryRun must be true or false", type);
    }
    JsonNode reason = detail.get("reason");
    if (reason != null && !reason.isNull() && (!reason.isTextual() || reason.textValue().length() > MAX_REPLAY_REASON)) {
      return invalid("detail.reason must be a string of at most " + MAX_REPLAY_REASON + " characters", type);
    }
    Trigger trigger = new Trigger(type, eventId, null, stackName, null, time,
        dryRun != null && dryRun.asBoolean(false), reason == null || reason.isNull() ? null : reason.textValue());
    if (!watched.containsStackName(stackName)) {
      return new Rejected(Reason.NOT_A_TRIGGER, "stack " + stackName + " is not watched", trigger);
    }
    return new Accepted(trigger);
  }

  private static Rejected invalid(String message, Trigger.Type type) {
    return new Rejected(Reason.INVALID_EVENT, "invalid event: " + message,
        new Trigger(type, null, null, null, null, null, false, null));
  }

  /** A trigger carrying only the fields that passed validation, for a well-formed event we will not run. */
  private static Trigger bare(Trigger.Type type, JsonNode event) {
    String eventId = text(event, "id");
    return new Trigger(type, eventId != null && EVENT_ID.matcher(eventId).matches() ? eventId : null,
        null, null, null, time(event), false, null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String time(JsonNode event) {
    String time = text(event, "time");
    if (time == null || time.length() > 64) {
      return null;
    }
    try {
      return Instant.parse(time).toString();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
