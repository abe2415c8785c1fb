package dev.dbmigrator.runner.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.support.JsonLogCapture;
import dev.dbmigrator.runner.support.RepoPaths;
import java.util.List;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.logging.LogService;
import liquibase.logging.Logger;
import org.junit.jupiter.api.Test;

/** Liquibase's messages reach the structured JSON log directly, at the level the JUL bridge gave them. */
class LiquibaseLogServiceTest {
  @Test
  void everyLiquibaseScopeOfTheRunnerLogsThroughIt() throws Exception {
    LogService service = Scope.child(LiquibaseMigration.scopeValues(new ChangelogFolder(RepoPaths.changelog())),
        () -> Scope.getCurrentScope().get(Scope.Attr.logService, LogService.class));

    assertSame(LiquibaseLogService.INSTANCE, service);
  }

  @Test
  void messagesKeepTheirLevelAndTextAndFollowTheLiquibaseLevel() throws Exception {
    Logger log = LiquibaseLogService.INSTANCE.getLog(ChangeSet.class);

    List<JsonNode> lines = JsonLogCapture.lines(() -> {
      log.info("ChangeSet a::{}::b ran successfully in 3ms");
      log.severe("a failure", new IllegalStateException("why"));
      log.warning("a warning");
      log.fine("below the liquibase logger's INFO");
    });

    assertEquals(3, lines.size(), "FINE is below the configured level: " + lines);
    assertEquals("INFO", lines.get(0).get("level").asText());
    assertEquals("ChangeSet a::{}::b ran successfully in 3ms", lines.get(0).get("message").asText(),
        "the text is never treated as a pattern");
    assertEquals("ERROR", lines.get(1).get("level").asText());
    assertTrue(lines.get(1).toString().contains("why"), "the exception is logged with the message");
    assertEquals("WARN", lines.get(2).get("level").asText());
  }

  @Test
  void oneLoggerPerLiquibaseClass() {
    assertSame(LiquibaseLogService.INSTANCE.getLog(ChangeSet.class),
        LiquibaseLogService.INSTANCE.getLog(ChangeSet.class));
    assertFalse(LiquibaseLogService.INSTANCE.getLog(ChangeSet.class) == LiquibaseLogService.INSTANCE.getLog(
        liquibase.executor.jvm.JdbcExecutor.class));
  }
}
