package dev.dbmigrator.runner.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.DemoChangelog;
import dev.dbmigrator.runner.support.LocalProcess;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Only explicit parameters and the changelog's own properties resolve {@code ${…}}. A changeset this run selects
 * that still holds one fails the run before anything is applied; environment variables and system properties
 * never resolve one, so no credential can reach SQL, a preview, a result or a log line.
 */
class ParametersTest {
  private static final Path PARAMS = RepoPaths.testChangelog("params");
  private static final Path SECRETS = RepoPaths.testChangelog("secrets");
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path work;

  @Test
  void explicitParametersResolveAsTheStockCliResolvesItsDashDParameters() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(PARAMS, pg.secretJson(byRunner))
        .withFilter(new LiquibaseMigration.Filter("main", null))
        .withParameters(Map.of("table_prefix", "gw_"))
        .run(RunnerFixture.updateComplete());
    StockCli.Outcome stock = new StockCli(pg, byStock, PARAMS, "db.changelog-master.yaml")
        .run("update", "--contexts=main", "-Dtable_prefix=gw_");

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertTrue(stock.succeeded(), stock.output());
    assertEquals(3, result.applied().count());
    try (Connection s = pg.connect(byStock); Connection r = pg.connect(byRunner)) {
      SchemaSnapshot stockSnapshot = SchemaSnapshot.of(s);
      assertEquals(stockSnapshot, SchemaSnapshot.of(r));
      assertTrue(stockSnapshot.schema().contains("table public.gw_apis kind=r"), stockSnapshot.schema().toString());
    }
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aMissingParameterFailsBeforeAnythingIsApplied(boolean dryRun) throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(PARAMS, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("main", null))
        .run(dryRun ? RunnerFixture.replay("cf-event-testing", true) : RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.INVALID_CHANGELOG, result.reason());
    assertTrue(result.message().startsWith("the changelog uses parameter(s) that have no value: ${table_prefix} "
        + "(first in changes/001-apis.yaml::001-apis::gateway)"), result.message());
    assertFalse(result.message().contains("audit_schema"), "the audit changeset is not selected under main");
    assertEquals(0, result.applied().count());
    assertEquals(3, result.pending().count(), "the selected changesets are still pending");
    assertEquals(List.of(), userTables(db), "nothing applied, not even the changesets before the first use");
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void aChangesetOutsideTheRunsContextsMayKeepAnUnresolvedParameter() throws Exception {
    String db = pg.createDatabase();

    MigrationResult main = new RunnerFixture().runner(PARAMS, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("main", null))
        .withParameters(Map.of("table_prefix", "gw_"))
        .run(RunnerFixture.updateComplete());
    MigrationResult audit = new RunnerFixture().runner(PARAMS, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("audit", null))
        .withParameters(Map.of("table_prefix", "gw_"))
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, main.status(), main.message());
    assertEquals(Reason.INVALID_CHANGELOG, audit.reason());
    assertTrue(audit.message().contains("${audit_schema} (first in db.changelog-master.yaml::003-audit::gateway)"),
        audit.message());
  }

  @Test
  void neitherSystemPropertiesNorTheEnvironmentResolveAParameter() throws Exception {
    String db = pg.createDatabase();
    System.setProperty("table_prefix", "from_a_system_property_");
    try {
      MigrationResult result = new RunnerFixture().runner(PARAMS, pg.secretJson(db))
          .withFilter(new LiquibaseMigration.Filter("main", null))
          .run(RunnerFixture.updateComplete());

      assertEquals(Reason.INVALID_CHANGELOG, result.reason(), result.message());
      assertTrue(result.message().contains("${table_prefix}"), result.message());
      assertEquals(List.of(), userTables(db));
    } finally {
      System.clearProperty("table_prefix");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void credentialsInTheEnvironmentNeverResolveNorLeak(boolean dryRun) throws Exception {
    String db = pg.createDatabase();
    String secretJson = pg.secretJson(db);
    Path resultFile = work.resolve("result.json");

    LocalProcess.Outcome run = LocalProcess.run(
        Map.of("DB_MIGRATOR_SECRET_JSON", secretJson, "AWS_SECRET_ACCESS_KEY", AWS_SECRET),
        args(dryRun, resultFile, "--contexts", "leaky"));

    assertEquals(1, run.exitCode(), run.all());
    JsonNode result = new ObjectMapper().readTree(run.stdout());
    ResultSchema.assertValid(run.stdout().trim());
    assertEquals("INVALID_CHANGELOG", result.get("reason").asText());
    String message = result.get("message").asText();
    assertTrue(message.contains("${AWS_SECRET_ACCESS_KEY} (first in db.changelog-master.yaml::002-leak::test)"),
        message);
    assertTrue(message.contains("${DB_MIGRATOR_SECRET_JSON}"), message);
    String everything = run.all() + Files.readString(resultFile);
    assertFalse(everything.contains(AWS_SECRET), "the AWS secret key never leaves the environment");
    assertFalse(everything.contains(pg.password), "the database password never leaves the environment");
    assertFalse(everything.contains(secretJson), "the credentials JSON never leaves the environment");
    assertEquals(List.of(), userTables(db), "nothing applied");
  }

  @Test
  void aChangesetExcludedByContextDoesNotFailTheRun() throws Exception {
    String db = pg.createDatabase();
    Path resultFile = work.resolve("result.json");

    LocalProcess.Outcome run = LocalProcess.run(
        Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db), "AWS_SECRET_ACCESS_KEY", AWS_SECRET),
        args(false, resultFile, "--contexts", "safe"));

    assertEquals(0, run.exitCode(), run.all());
    assertFalse(run.all().contains(AWS_SECRET));
    assertEquals(List.of("plain"), userTables(db));
  }

  @Test
  void localRunsTakeRepeatedParameters() throws Exception {
    String db = pg.createDatabase();
    Path resultFile = work.resolve("result.json");

    LocalProcess.Outcome run = LocalProcess.run(Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db)),
        "--local", "--changelog", PARAMS.toString(), "--contexts", "audit", "--parameter", "table_prefix=gw_",
        "--parameter", "audit_schema=public", "--ssl-mode", "disable", "--result-file", resultFile.toString());

    assertEquals(0, run.exitCode(), run.all());
    JsonNode result = new ObjectMapper().readTree(run.stdout());
    assertEquals(4, result.get("applied").get("count").asInt(), run.stdout());
    assertEquals(List.of("gw_apis", "gw_audit", "gw_keys", "gw_plans"), userTables(db));
  }

  private String[] args(boolean dryRun, Path resultFile, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--local", "--changelog", SECRETS.toString(),
        "--ssl-mode", "disable", "--result-file", resultFile.toString()));
    if (dryRun) {
      args.add("--dry-run");
    }
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void aParameterInADateValueIsFoundLikeAnyOther() throws Exception {
    // Liquibase keeps a date it cannot parse, such as an unresolved ${release_day}, as a computed value.
    Path changelog = DemoChangelog.withChange("date-parameter", """
          - changeSet:
              id: 003-dated-user
              author: test
              changes:
                - insert:
                    schemaName: demo
                    tableName: users
                    columns:
                      - column: { name: name, value: dated }
                      - column: { name: email, value: dated@example.com }
                      - column: { name: created_at, valueDate: "${release_day}" }
        """);
    String db = pg.createDatabase();

    MigrationResult result = new RunnerFixture().runner(changelog, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertEquals(Reason.INVALID_CHANGELOG, result.reason(), result.message());
    assertTrue(result.message().contains("${release_day} (first in changes/003-test.yaml::003-dated-user::test)"),
        result.message());
    assertEquals(0, result.applied().count());
  }

  private List<String> userTables(String db) throws Exception {
    List<String> tables = new java.util.ArrayList<>();
    try (Connection c = pg.connect(db); var s = c.createStatement(); var rs = s.executeQuery(
        // The runner's own bookkeeping (db_migrator_*, e.g. the fingerprint) is not a table of the changelog's.
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'databasechangelog%' "
            + "AND tablename NOT LIKE 'db\\_migrator\\_%' ORDER BY 1")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertNotNull(tables);
    return tables;
  }
}
