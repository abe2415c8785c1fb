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
