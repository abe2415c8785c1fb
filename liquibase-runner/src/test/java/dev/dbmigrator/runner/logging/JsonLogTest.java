package dev.dbmigrator.runner.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.support.JsonLogCapture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;

/** The runner's JSON log: one parseable object per event, at the levels the environment sets. */
class JsonLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void slf4jBindsToTheRunnersJsonLog() {
    assertInstanceOf(JsonLoggers.class, LoggerFactory.getILoggerFactory(),
        "exactly one SLF4J binding, the runner's, is on the classpath");
  }

  @Test
  void anEventIsOneLineOfJsonWithItsFieldsTheMdcAndTheError() throws Exception {
    String line = JsonLogLine.format(Instant.parse("2026-11-29T10:00:00.123Z"), "ERROR", "dev.dbmigrator.X",
        "db-migrator", "a \"quoted\"\nmessage\tü\u0001", Map.of("function_request_id", "req-1"),
        new IllegalStateException("why \"not\""));

    assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    JsonNode json = JSON.readTree(line);
    assertEquals("2026-11-29T10:00:00.123Z", json.get("timestamp").asText());
    assertEquals("ERROR", json.get("level").asText());
    assertEquals("dev.dbmigrator.X", json.get("logger").asText());
    assertEquals("db-migrator", json.get("service").asText());
    assertEquals("a \"quoted\"\nmessage\tü\u0001", json.get("message").asText());
    assertEquals("req-1", json.get("function_request_id").asText());
    assertEquals("java.lang.IllegalStateException", json.get("error").get("type").asText());
    assertEquals("why \"not\"", json.get("error").get("message").asText());
    assertTrue(json.get("error").get("stack").asText().contains("JsonLogTest"), "the stack trace is kept");
  }

  @Test
  void messagesAreFormattedAndALastThrowableArgumentBecomesTheError() throws Exception {
    JsonLogger log = new JsonLogger("dev.dbmigrator.Y", Level.INFO.toInt(), null, new BasicMDCAdapter());

    List<JsonNode> lines = JsonLogCapture.lines(() -> {
      log.info("run {} finished in {} ms", "r-1", 42);
      log.warn("failed: {}", "x", new RuntimeException("boom"));
      log.debug("below the threshold");
    });

    assertEquals(2, lines.size(), lines.toString());
    assertEquals("run r-1 finished in 42 ms", lines.get(0).get("message").asText());
    assertFalse(lines.get(0).has("error"));
    assertFalse(lines.get(0).has("service"), "no service field when the function names none");
    assertEquals("failed: x", lines.get(1).get("message").asText());
    assertEquals("boom", lines.get(1).get("error").get("message").asText());
  }

  @Test
  void levelsComeFromTheEnvironmentByLoggerPrefix() {
    LogLevels levels = LogLevels.fromEnvironment(Map.of("LOG_LEVEL", "debug", "LIQUIBASE_LOG_LEVEL", "WARNING"));

    assertEquals(Level.DEBUG.toInt(), levels.thresholdOf("dev.dbmigrator.runner.MigrationRunner"));
    assertEquals(Level.WARN.toInt(), levels.thresholdOf("liquibase.changelog"));
    assertEquals(Level.WARN.toInt(), levels.thresholdOf("software.amazon.awssdk.request"));
    assertEquals(Level.WARN.toInt(), levels.thresholdOf("dev.dbmigratorx"), "a prefix, not a substring");
  }

  @Test
  void defaultsAreInfoForTheRunnerAndLiquibaseAndAnUnknownValueKeepsThem() {
    LogLevels defaults = LogLevels.fromEnvironment(Map.of());
    LogLevels typo = LogLevels.fromEnvironment(Map.of("LOG_LEVEL", "verbose", "LIQUIBASE_LOG_LEVEL", "FINE"));
    LogLevels off = LogLevels.fromEnvironment(Map.of("LOG_LEVEL", "OFF"));

    assertEquals(Level.INFO.toInt(), defaults.thresholdOf("dev.dbmigrator"));
    assertEquals(Level.INFO.toInt(), defaults.thresholdOf("liquibase"));
    assertEquals(Level.INFO.toInt(), typo.thresholdOf("dev.dbmigrator.a"));
    assertEquals(Level.DEBUG.toInt(), typo.thresholdOf("liquibase.a"), "java.util.logging's FINE is DEBUG");
    assertEquals(LogLevels.OFF, off.thresholdOf("dev.dbmigrator.a"));
  }

  @Test
  void javaUtilLoggingReachesTheJsonLogThroughTheBridge() throws Exception {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();

    List<JsonNode> lines = JsonLogCapture.lines(() ->
        java.util.logging.Logger.getLogger("org.postgresql.Driver").warning("connection lost"));

    assertEquals(1, lines.size(), lines.toString());
    assertEquals("WARN", lines.get(0).get("level").asText());
    assertEquals("org.postgresql.Driver", lines.get(0).get("logger").asText());
    assertEquals("connection lost", lines.get(0).get("message").asText());
  }
}
