package dev.dbmigrator.runner.result;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dbmigrator.runner.result.MigrationResult.BlockerInfo;
import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A MigrationResult as JSON, written field by field with Jackson's streaming generator: the fields in the order
 * of the record (and of contracts/migration-result.schema.json), nulls written, and the optional tail
 * ({@code sqlPreview}, {@code notes}, {@code lockRetries}, {@code blockedBy}) left out when empty. It is what an
 * ObjectMapper wrote for the record (ResultJsonTest compares the two), without jackson-databind's start-up, which
 * cost a cold run about 100 ms on two cores just to write this one object.
 */
final class MigrationResultWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  private MigrationResultWriter() {}

  static String write(MigrationResult r) {
    StringWriter out = new StringWriter(1024);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("schemaVersion", r.schemaVersion());
      string(json, "runId", r.runId());
      string(json, "status", r.status() == null ? null : r.status().name());
      string(json, "reason", r.reason() == null ? null : r.reason().name());
      string(json, "message", r.message());
      trigger(json, r.trigger());
      database(json, r.database());
      changelog(json, r.changelog());
      changesets(json, "applied", r.applied());
      changesets(json, "pending", r.pending());
      string(json, "failedChangeset", r.failedChangeset());
      string(json, "startedAt", r.startedAt());
      string(json, "finishedAt", r.finishedAt());
      json.writeNumberField("durationMs", r.durationMs());
      runner(json, r.runner());
      if (r.sqlPreview() != null) {
        json.writeStringField("sqlPreview", r.sqlPreview());
      }
      if (r.notes() != null && !r.notes().isEmpty()) {
        strings(json, "notes", r.notes());
      }
      if (r.lockRetries() != null) {
        json.writeNumberField("lockRetries", r.lockRetries());
      }
      if (r.blockedBy() != null && !r.blockedBy().isEmpty()) {
        blockers(json, r.blockedBy());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a MigrationResult could not be written", e);
    }
    return out.toString();
  }

  private static void trigger(JsonGenerator json, MigrationResult.TriggerInfo t) throws IOException {
    json.writeFieldName("trigger");
    if (t == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    string(json, "type", t.type());
    string(json, "eventId", t.eventId());
    string(json, "stackId", t.stackId());
    string(json, "stackName", t.stackName());
    string(json, "stackStatus", t.stackStatus());
    string(json, "time", t.time());
    json.writeBooleanField("dryRun", t.dryRun());
    string(json, "reason", t.reason());
    json.writeEndObject();
  }

  private static void database(JsonGenerator json, MigrationResult.DatabaseInfo d) throws IOException {
    json.writeFieldName("database");
    if (d == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    string(json, "host", d.host());
    integer(json, "port", d.port());
    string(json, "name", d.name());
    string(json, "serverVersion", d.serverVersion());
    json.writeEndObject();
  }

  private static void changelog(JsonGenerator json, MigrationResult.ChangelogInfo c) throws IOException {
    json.writeFieldName("changelog");
    if (c == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    string(json, "file", c.file());
    string(json, "checksum", c.checksum());
    integer(json, "totalChangesets", c.totalChangesets());
    json.writeEndObject();
  }

  private static void changesets(JsonGenerator json, String name, ChangesetList list) throws IOException {
    json.writeFieldName(name);
    if (list == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    integer(json, "count", list.count());
    strings(json, "changesets", list.changesets());
    json.writeBooleanField("truncated", list.truncated());
    json.writeEndObject();
  }

  private static void runner(JsonGenerator json, MigrationResult.RunnerInfo info) throws IOException {
    json.writeFieldName("runner");
    if (info == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    string(json, "version", info.version());
    string(json, "liquibaseVersion", info.liquibaseVersion());
    json.writeBooleanField("coldStart", info.coldStart());
    json.writeBooleanField("fastPath", info.fastPath());
    json.writeEndObject();
  }

  private static void blockers(JsonGenerator json, List<BlockerInfo> blockers) throws IOException {
    json.writeArrayFieldStart("blockedBy");
    for (BlockerInfo b : blockers) {
      json.writeStartObject();
      json.writeNumberField("pid", b.pid());
      string(json, "applicationName", b.applicationName());
      string(json, "state", b.state());
      json.writeFieldName("transactionAgeMs");
      if (b.transactionAgeMs() == null) {
        json.writeNull();
      } else {
        json.writeNumber(b.transactionAgeMs());
      }
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
    json.writeFieldName(name);
    if (values == null) {
      json.writeNull();
      return;
    }
    json.writeStartArray();
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }

  private static void string(JsonGenerator json, String name, String value) throws IOException {
    json.writeFieldName(name);
    if (value == null) {
      json.writeNull();
    } else {
      json.writeString(value);
    }
  }

  private static void integer(JsonGenerator json, String name, Integer value) throws IOException {
    json.writeFieldName(name);
    if (value == null) {
      json.writeNull();
    } else {
      json.writeNumber(value);
    }
  }
}
