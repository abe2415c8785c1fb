package dev.dbmigrator.runner.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.ResultJson;

/**
 * A fleet target's MigrationResult: the single run's shape plus {@code target: {id, schema}}, within the same
 * 4 KB as a single result (the lists give way first, never the counts), so the fleet's per-target results stay
 * as small as a single run's wherever they land.
 */
public final class TargetResultJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TargetResultJson() {}

  /** @param targetId null when the input named no readable id: the result then has no target */
  public static String toJson(MigrationResult result, String targetId, String schema) {
    ObjectNode target = MAPPER.createObjectNode();
    target.put("id", targetId);
    target.put("schema", schema);
    int room = ResultJson.MAX_BYTES - (targetId == null ? 0 : (",\"target\":" + target).getBytes(
        java.nio.charset.StandardCharsets.UTF_8).length);
    try {
      ObjectNode json = (ObjectNode) MAPPER.readTree(ResultJson.toJson(result, room));
      if (targetId != null) {
        json.set("target", target);
      }
      return MAPPER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a MigrationResult is always JSON", e);
    }
  }
}
