package dev.dbmigrator.runner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A target's result is the single result plus its target, last, within the same 4 KB. */
class TargetResultJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theTargetIsTheLastMemberAndTheRestIsTheSingleResult() throws Exception {
    MigrationResult result = result(List.of("a::1::x"));

    JsonNode json = JSON.readTree(TargetResultJson.toJson(result, "tenant-\"7\"", null));

    ObjectNode expected = (ObjectNode) JSON.readTree(ResultJson.toJson(result));
    expected.putObject("target").put("id", "tenant-\"7\"").putNull("schema");
    assertEquals(expected, json);
    List<String> keys = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertEquals("target", keys.get(keys.size() - 1));
  }

  @Test
  void aLongResultStillFitsFourKilobytesWithItsTarget() throws Exception {
    List<String> ids = IntStream.range(0, 400).mapToObj(i -> "changes/%04d.yaml::%04d::someone".formatted(i, i))
        .toList();

    String text = TargetResultJson.toJson(result(ids), "tenant-1", "tenant_1");

    assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= ResultJson.MAX_BYTES, text.length() + " bytes");
    JsonNode json = JSON.readTree(text);
    assertEquals("tenant_1", json.get("target").get("schema").asText());
    assertEquals(400, json.get("applied").get("count").asInt(), "the count is never cut");
    assertTrue(json.get("applied").get("truncated").asBoolean());
  }

  @Test
  void withoutAReadableIdThereIsNoTarget() throws Exception {
    assertFalse(JSON.readTree(TargetResultJson.toJson(result(List.of()), null, null)).has("target"));
  }

  private static MigrationResult result(List<String> applied) {
    return new MigrationResult(1, "run-1", Status.SUCCEEDED, null, "done", null, MigrationResult.DatabaseInfo.UNKNOWN,
        null, ChangesetList.of(applied), ChangesetList.EMPTY, null, "s0", "s1", 5, null, null, List.of());
  }
}
