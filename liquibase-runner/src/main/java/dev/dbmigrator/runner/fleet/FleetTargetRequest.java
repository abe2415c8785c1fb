package dev.dbmigrator.runner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.trigger.StackArn;
import dev.dbmigrator.runner.trigger.StackStatuses;
import dev.dbmigrator.runner.trigger.Trigger;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A fleet target's input, as the Map's ItemSelector builds it: {@code targetId, dryRun, runId, trigger}. Only the
 * id names a target; everything about it comes from the manifest. Parsing never throws: a malformed input is
 * {@link Invalid}, which the run records as INVALID_EVENT.
 */
public sealed interface FleetTargetRequest {
  /** A well-formed request; {@code trigger} is the gate's, with its dry-run flag. */
  record Valid(String targetId, String runId, Trigger trigger) implements FleetTargetRequest {}

  /** {@code targetId} is set when it was readable, so the result can still name the target. */
  record Invalid(String targetId, String message) implements FleetTargetRequest {}

  Set<String> KEYS = Set.of("targetId", "dryRun", "runId", "trigger");
  Set<String> TRIGGER_KEYS = Set.of("kind", "stackName", "stackStatus");
  Pattern RUN_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  static FleetTargetRequest parse(JsonNode input) {
    if (input == null || !input.isObject()) {
      return new Invalid(null, "invalid fleet target input: not a JSON object");
    }
    JsonNode idNode = input.get("targetId");
    String targetId = idNode != null && idNode.isTextual() && FleetTarget.isId(idNode.textValue())
        ? idNode.textValue() : null;
    for (Iterator<String> keys = input.fieldNames(); keys.hasNext(); ) {
      if (!KEYS.contains(keys.next())) {
        return new Invalid(targetId, "invalid fleet target input: it may hold only targetId, dryRun, runId and trigger");
      }
    }
    if (targetId == null) {
      return new Invalid(null, "invalid fleet target input: targetId must match " + FleetTarget.ID.pattern());
    }
    JsonNode dryRun = input.get("dryRun");
    if (dryRun == null || !dryRun.isBoolean()) {
      return new Invalid(targetId, "invalid fleet target input: dryRun must be true or false");
    }
    JsonNode runId = input.get("runId");
    if (runId == null || !runId.isTextual() || !RUN_ID.matcher(runId.textValue()).matches()) {
      return new Invalid(targetId, "invalid fleet target input: runId must be the gate's lower-case UUID");
    }
    JsonNode trigger = input.get("trigger");
    if (trigger == null || !trigger.isObject()) {
      return new Invalid(targetId, "invalid fleet target input: trigger must be the gate's trigger object");
    }
    for (Iterator<String> keys = trigger.fieldNames(); keys.hasNext(); ) {
      if (!TRIGGER_KEYS.contains(keys.next())) {
        return new Invalid(targetId, "invalid fleet target input: trigger may hold only kind, stackName, stackStatus");
      }
    }
    String kind = text(trigger, "kind");
    Trigger.Type type = "stack-status-change".equals(kind) ? Trigger.Type.CLOUDFORMATION
        : "replay".equals(kind) ? Trigger.Type.REPLAY : null;
    if (type == null) {
      return new Invalid(targetId, "invalid fleet target input: trigger.kind must be stack-status-change or replay");
    }
    String stackName = text(trigger, "stackName");
    if (!isNull(trigger, "stackName") && !StackArn.isValidName(stackName)) {
      return new Invalid(targetId, "invalid fleet target input: trigger.stackName is not a stack name");
    }
    String stackStatus = text(trigger, "stackStatus");
    if (!isNull(trigger, "stackStatus") && !StackStatuses.ALL.contains(stackStatus)) {
      return new Invalid(targetId, "invalid fleet target input: trigger.stackStatus is not a stack status");
    }
    return new Valid(targetId, runId.textValue(),
        new Trigger(type, null, null, stackName, stackStatus, null, dryRun.booleanValue(), null));
  }

  private static boolean isNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
