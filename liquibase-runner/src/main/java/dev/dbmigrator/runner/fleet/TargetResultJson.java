package dev.dbmigrator.runner.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.ResultJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A fleet target's MigrationResult: the single run's shape plus {@code target: {id, schema}}, within the same
 * 4 KB as a single result (the lists give way first, never the counts), so the fleet's per-target results stay
 * as small as a single run's wherever they land. Written with Jackson's streaming generator, as the single
 * result is: every target of a fleet is a cold start of its own.
 */
public final class TargetResultJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private TargetResultJson() {}

  /** @param targetId null when the input named no readable id: the result then has no target */
  public static String toJson(MigrationResult result, String targetId, String schema) {
    if (targetId == null) {
      return ResultJson.toJson(result);
    }
    String target = ",\"target\":" + target(targetId, schema);
    String json = ResultJson.toJson(result, ResultJson.MAX_BYTES - target.getBytes(StandardCharsets.UTF_8).length);
    // The result is one JSON object: the target goes in as its last member.
    return json.substring(0, json.length() - 1) + target + "}";
  }

  private static String target(String id, String schema) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", id);
      json.writeFieldName("schema");
      if (schema == null) {
        json.writeNull();
      } else {
        json.writeString(schema);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a fleet target could not be written", e);
    }
    return out.toString();
  }
}
