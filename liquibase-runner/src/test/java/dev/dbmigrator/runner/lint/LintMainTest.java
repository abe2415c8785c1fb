package dev.dbmigrator.runner.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LintMain against a real PostgreSQL: update-sql's SQL per changeset, as a role that can do nothing else. */
class LintMainTest {
  private static final TestPostgres PG = TestPostgres.get();

  private record Run(int code, JsonNode output) {}

  private static Run lint(String database, String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = LintMain.run(args, Map.of("DB_MIGRATOR_LINT_SCRATCH_JSON", PG.secretJson(database)));
    } finally {
      System.setOut(original);
    }
    String line = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).findFirst()
        .orElseThrow();
    return new Run(code, new ObjectMapper().readTree(line));
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void eachChangesetGetsItsOwnSqlAndNothingIsApplied() throws Exception {
    String database = PG.createDatabase();
    Run run = lint(database, "--changelog", RepoPaths.changelog().toString());

    assertEquals(0, run.code(), run.output().toString());
    JsonNode changesets = run.output().get("changesets");
    assertEquals(2, changesets.size());
    assertEquals("changes/001-create-schema-demo.yaml", changesets.get(0).get("file").asText());
    assertEquals("CREATE SCHEMA IF NOT EXISTS demo;", changesets.get(0).get("sql").asText());
    assertTrue(changesets.get(1).get("sql").asText().startsWith("CREATE TABLE demo.users ("));
    assertFalse(changesets.get(1).get("sql").asText().contains("databasechangelog"),
        "Liquibase's bookkeeping is not the changeset's SQL");
    assertTrue(changesets.get(1).get("runInTransaction").asBoolean());
    assertTrue(run.output().get("pending").isNull());
    try (Connection c = PG.connect(database)) {
      assertEquals(0, count(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'demo'"), "nothing was applied");
      assertEquals(0, count(c, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'db_migrator_lint_%'"),
          "the lint's role is dropped afterwards");
      assertEquals(0, count(c, "SELECT count(*) FROM pg_class WHERE relname LIKE 'databasechangelog%'"));
    }
  }

  @Test
  void aPreconditionThatRunsAProgramFailsForLackOfPrivilege(@TempDir Path dir) throws Exception {
    // The server runs as its own OS user: the folder must be writable by it for a program to succeed.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path marker = dir.resolve("ran");
    Path fixture = RepoPaths.root().resolve("test/fixtures/lint/copy-from-program");
    Run run = lint(PG.createDatabase(), "--changelog", fixture.toString(), "--changelog-file", "precondition.xml",
        "--parameter", "marker=" + marker);

    assertEquals(2, run.code());
    assertTrue(run.output().get("error").asText().contains("pg_execute_server_program"),
        run.output().toString());
    assertFalse(Files.exists(marker));
  }

  @Test
  void aMissingChangelogIsBadInput(@TempDir Path dir) throws Exception {
    Run run = lint(PG.createDatabase(), "--changelog", dir.toString());
    assertEquals(2, run.code());
    assertTrue(run.output().get("error").asText().contains("has no file db.changelog-master.yaml"),
        run.output().toString());
  }
}
