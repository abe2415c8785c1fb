package dev.dbmigrator.runner.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import dev.dbmigrator.runner.support.ResultSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResultJsonTest {
  @Test
  void aLargeResultIsTruncatedToFourKilobytesKeepingTheCounts() throws Exception {
    List<String> ids = IntStream.range(0, 500)
        .mapToObj(i -> "changes/%04d-a-fairly-long-file-name.yaml::%04d-change::someone".formatted(i, i)).toList();
    MigrationResult big = result(ChangesetList.of(ids), ChangesetList.of(ids.subList(0, 120)), "done");

    String json = ResultJson.toJson(big);

    ResultSchema.assertValid(json);
    assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= ResultJson.MAX_BYTES);
    JsonNode parsed = new ObjectMapper().readTree(json);
    assertEquals(500, parsed.get("applied").get("count").asInt());
    assertEquals(120, parsed.get("pending").get("count").asInt());
    assertTrue(parsed.get("applied").get("truncated").asBoolean());
    assertTrue(parsed.get("applied").get("changesets").size() > 0, "keeps the head of the list");
    assertEquals(ids.get(0), parsed.get("applied").get("changesets").get(0).asText());
  }

  @Test
  void aSmallResultIsUntouched() throws Exception {
    MigrationResult small = result(ChangesetList.of(List.of("a::1::x")), ChangesetList.EMPTY, "done");

    JsonNode parsed = new ObjectMapper().readTree(ResultJson.toJson(small));

    assertEquals(false, parsed.get("applied").get("truncated").asBoolean());
    assertEquals("a::1::x", parsed.get("applied").get("changesets").get(0).asText());
    assertTrue(parsed.path("notes").isMissingNode(), "no notes key when there are none");
  }

  @Test
  void aHugeMessageIsCutButStaysValid() {
    String json = ResultJson.toJson(result(ChangesetList.EMPTY, ChangesetList.EMPTY, "ü".repeat(20_000)));

    ResultSchema.assertValid(json);
  }

  @Test
  void everyComponentIsWrittenInTheRecordsOrderNullsIncludedAndTheOptionalTailWhenSet() throws Exception {
    MigrationResult full = new MigrationResult(1, "run-1", Status.FAILED, Reason.CHANGESET_FAILED, "m \"q\" é\n",
        new MigrationResult.TriggerInfo("REPLAY", "e1", null, "s", null, "t", true, "why"),
        new MigrationResult.DatabaseInfo("h", null, "d", null),
        new MigrationResult.ChangelogInfo("f", null, null),
        ChangesetList.of(List.of("a::1::x")), ChangesetList.UNKNOWN, "a::2::x", "s0", "s1", 7,
        new MigrationResult.RunnerInfo("0.1.0", "4.33.0", false, true), "SELECT 1;", List.of("n1"), 3,
        List.of(new MigrationResult.BlockerInfo(42, "psql", "idle in transaction", null),
            new MigrationResult.BlockerInfo(43, null, null, 1500L)));

    String json = ResultJson.toJson(full);

    assertEquals("{\"schemaVersion\":1,\"runId\":\"run-1\",\"status\":\"FAILED\",\"reason\":\"CHANGESET_FAILED\","
        + "\"message\":\"m \\\"q\\\" é\\n\",\"trigger\":{\"type\":\"REPLAY\",\"eventId\":\"e1\",\"stackId\":null,"
        + "\"stackName\":\"s\",\"stackStatus\":null,\"time\":\"t\",\"dryRun\":true,\"reason\":\"why\"},"
        + "\"database\":{\"host\":\"h\",\"port\":null,\"name\":\"d\",\"serverVersion\":null},"
        + "\"changelog\":{\"file\":\"f\",\"checksum\":null,\"totalChangesets\":null},"
        + "\"applied\":{\"count\":1,\"changesets\":[\"a::1::x\"],\"truncated\":false},"
        + "\"pending\":{\"count\":null,\"changesets\":[],\"truncated\":false},\"failedChangeset\":\"a::2::x\","
        + "\"startedAt\":\"s0\",\"finishedAt\":\"s1\",\"durationMs\":7,"
        + "\"runner\":{\"version\":\"0.1.0\",\"liquibaseVersion\":\"4.33.0\",\"coldStart\":false,\"fastPath\":true},"
        + "\"sqlPreview\":\"SELECT 1;\",\"notes\":[\"n1\"],\"lockRetries\":3,"
        + "\"blockedBy\":[{\"pid\":42,\"applicationName\":\"psql\",\"state\":\"idle in transaction\","
        + "\"transactionAgeMs\":null},{\"pid\":43,\"applicationName\":null,\"state\":null,\"transactionAgeMs\":1500}]}",
        json);
    // A component added to a record must reach the JSON too: the writer names each one by hand.
    JsonNode parsed = new ObjectMapper().readTree(json);
    assertKeysAre(MigrationResult.class, parsed);
    assertKeysAre(MigrationResult.TriggerInfo.class, parsed.get("trigger"));
    assertKeysAre(MigrationResult.DatabaseInfo.class, parsed.get("database"));
    assertKeysAre(MigrationResult.ChangelogInfo.class, parsed.get("changelog"));
    assertKeysAre(ChangesetList.class, parsed.get("applied"));
    assertKeysAre(MigrationResult.RunnerInfo.class, parsed.get("runner"));
    assertKeysAre(MigrationResult.BlockerInfo.class, parsed.get("blockedBy").get(0));
  }

  @Test
  void theOptionalTailIsLeftOutWhenEmpty() throws Exception {
    MigrationResult bare = new MigrationResult(1, "r", Status.SUCCEEDED, null, "ok", null, null, null,
        ChangesetList.EMPTY, ChangesetList.EMPTY, null, "s0", "s1", 0, null, null, null, null, List.of());

    String json = ResultJson.toJson(bare);

    assertTrue(json.endsWith("\"durationMs\":0,\"runner\":null}"), json);
    assertEquals(List.of(), List.copyOf(new ObjectMapper().readTree(json).findValues("notes")));
  }

  private static void assertKeysAre(Class<? extends Record> type, JsonNode object) {
    List<String> components = java.util.Arrays.stream(type.getRecordComponents())
        .map(java.lang.reflect.RecordComponent::getName).toList();
    List<String> keys = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    assertEquals(components, keys, type.getSimpleName());
  }

  static MigrationResult result(ChangesetList applied, ChangesetList pending, String message) {
    return new MigrationResult(1, "7d3f9a56-32a7-4ad6-9f54-6f2b5f0a51b1", Status.SUCCEEDED, null, message,
        new MigrationResult.TriggerInfo("CLOUDFORMATION", "e1", "arn:aws:cloudformation:eu-west-3:123456789012:stack/s/g",
            "s", "UPDATE_COMPLETE", "2026-11-24T10:00:00Z", false, null),
        new MigrationResult.DatabaseInfo("db.example", 5432, "demo", "17.4"),
        new MigrationResult.ChangelogInfo("db.changelog-master.yaml", "sha256:" + "0".repeat(64), 620),
        applied, pending, null, "2026-11-24T10:00:00.000Z", "2026-11-24T10:00:01.500Z", 1500,
        new MigrationResult.RunnerInfo("0.1.0", "4.33.0", true, false), null, List.of());
  }
}
