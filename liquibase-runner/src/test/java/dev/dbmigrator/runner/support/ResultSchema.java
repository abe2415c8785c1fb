package dev.dbmigrator.runner.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;

/** Validates results against contracts/migration-result.schema.json, the contract shared with TypeScript. */
public final class ResultSchema {
  private static final JsonSchema SCHEMA = load();

  private ResultSchema() {}

  public static void assertValid(String resultJson) {
    Set<ValidationMessage> errors;
    try {
      errors = SCHEMA.validate(new ObjectMapper().readTree(resultJson));
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + resultJson, e);
    }
    assertTrue(errors.isEmpty(), () -> "result does not match the schema: " + errors + "\n" + resultJson);
    assertTrue(resultJson.getBytes(StandardCharsets.UTF_8).length <= 4096, "result exceeds 4 KB");
  }

  private static JsonSchema load() {
    try {
      String schema = Files.readString(RepoPaths.root().resolve("contracts/migration-result.schema.json"));
      JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
      com.networknt.schema.SchemaValidatorsConfig config = com.networknt.schema.SchemaValidatorsConfig.builder()
          .formatAssertionsEnabled(true).build();
      return factory.getSchema(schema, config);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
