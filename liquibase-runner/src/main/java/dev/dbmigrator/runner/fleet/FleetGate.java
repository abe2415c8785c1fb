package dev.dbmigrator.runner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.gate.GateVerdict;
import dev.dbmigrator.runner.gate.StackGate;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.trigger.ParsedTrigger;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.TriggerParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The fleet's first step, run once per fleet run: the single runner's trigger parsing and stack gate, so the
 * policy of which statuses migrate stays in one place, answering whether the fleet migrates and which targets.
 * It never throws on bad input: a malformed event is {@code migrate: false, reason: INVALID_EVENT}.
 */
public final class FleetGate {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final TriggerParser parser;
  private final StackGate gate;
  private final Supplier<String> runIds;

  public FleetGate(TriggerParser parser, StackGate gate) {
    this(parser, gate, () -> UUID.randomUUID().toString());
  }

  FleetGate(TriggerParser parser, StackGate gate, Supplier<String> runIds) {
    this.parser = parser;
    this.gate = gate;
    this.runIds = runIds;
  }

  /** @return the gate's output: {@code migrate, dryRun, runId, trigger, targetIds, reason, message} */
  public ObjectNode decide(JsonNode event) {
    String runId = runIds.get();
    ParsedTrigger parsed = parser.parse(event);
    Trigger trigger = parsed.trigger();
    if (parsed instanceof ParsedTrigger.Rejected rejected) {
      return output(false, runId, trigger, trigger.stackStatus(), null, rejected.reason(), rejected.message());
    }
    List<String> targetIds = null;
    if (trigger.type() == Trigger.Type.REPLAY) {
      try {
        targetIds = targetIds(event.get("detail").get("targetIds"));
      } catch (IllegalArgumentException e) {
        return output(false, runId, trigger, null, null, Reason.INVALID_EVENT, "invalid event: " + e.getMessage());
      }
    }
    GateVerdict verdict = gate.check(trigger);
    String status = verdict.currentStatus() != null ? verdict.currentStatus() : trigger.stackStatus();
    if (!verdict.proceeds()) {
      return output(false, runId, trigger, status, targetIds, verdict.reason(), verdict.message());
    }
    String which = targetIds == null ? "every target of the manifest" : targetIds.size() + " target(s)";
    return output(true, runId, trigger, status, targetIds, null, "stack " + trigger.stackName() + " is " + status
        + ": migrating " + which + (trigger.dryRun() ? " (dry run: nothing is applied)" : ""));
  }

  /** Null or absent: every target. Otherwise a non-empty array of unique target ids. */
  static List<String> targetIds(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new IllegalArgumentException("detail.targetIds must be null or a non-empty array of target ids");
    }
    List<String> ids = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode id : node) {
      if (!id.isTextual() || !FleetTarget.isId(id.textValue())) {
        throw new IllegalArgumentException("detail.targetIds[" + ids.size() + "] is not a target id ("
            + FleetTarget.ID.pattern() + ")");
      }
      if (!seen.add(id.textValue())) {
        throw new IllegalArgumentException("detail.targetIds names " + id.textValue() + " twice");
      }
      ids.add(id.textValue());
    }
    return ids;
  }

  private static ObjectNode output(boolean migrate, String runId, Trigger trigger, String stackStatus,
      List<String> targetIds, Reason reason, String message) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("migrate", migrate);
    out.put("dryRun", trigger.dryRun());
    out.put("runId", runId);
    ObjectNode triggerNode = out.putObject("trigger");
    triggerNode.put("kind", trigger.type() == Trigger.Type.REPLAY ? "replay" : "stack-status-change");
    triggerNode.put("stackName", trigger.stackName());
    triggerNode.put("stackStatus", stackStatus);
    if (targetIds == null) {
      out.putNull("targetIds");
    } else {
      ArrayNode ids = out.putArray("targetIds");
      targetIds.forEach(ids::add);
    }
    out.put("reason", reason == null ? null : reason.name());
    out.put("message", message);
    return out;
  }
}
