package dev.dbmigrator.runner.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.LocalProcess;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema built by hand or by another tool is adopted with Liquibase's changelog-sync, asked for by a person
 * ({@code local --mark-applied}), never automatically: its rows are the stock CLI's, a dry run writes nothing,
 * and {@code --to-changeset} stops after the named changeset.
 */
class MarkAppliedTest {
  private static final Path ROOT = RepoPaths.testChangelog("spring-layout").resolve("src/main/resources");
  private static final String MASTER = "db/changelog/db.changelog-master.yaml";
  private static final String OWNER = "db/changelog/changes/001-owner.yaml::1::petclinic";
  private static final String PET = "db/changelog/changes/002-pet.xml::2::petclinic";
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path work;

  @Test
  void aDryRunPrintsTheInsertsAndWritesNothing() throws Exception {
    String db = pg.createDatabase();
    Path resultFile = work.resolve("result.json");

    LocalProcess.Outcome run = LocalProcess.run(Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db)),
        "--local", "--mark-applied", "--dry-run", "--changelog", ROOT.toString(), "--changelog-file", MASTER,
        "--ssl-mode", "disable", "--result-file", resultFile.toString());

    assertEquals(0, run.exitCode(), run.all());
    ResultSchema.assertValid(run.stdout().trim());
    JsonNode result = new ObjectMapper().readTree(run.stdout());
    assertEquals("PLANNED", result.get("status").asText());
    assertEquals("DRY_RUN", result.get("reason").asText());
    assertTrue(result.get("message").asText().startsWith("dry run of mark-applied: 5 changeset(s) would be recorded"),
        result.get("message").asText());
    assertEquals(0, result.get("applied").get("count").asInt());
    assertEquals(5, result.get("pending").get("count").asInt());
    assertTrue(result.get("sqlPreview").asText().contains("INSERT INTO public.databasechangelog"),
        result.get("sqlPreview").asText());
    try (Connection c = pg.connect(db)) {
      assertEquals(List.of(), SchemaSnapshot.history(c), "no history written");
      assertEquals(List.of("schema public"), SchemaSnapshot.of(c).schema(), "nothing created");
      try (var s = c.createStatement(); var rs = s.executeQuery(
          "SELECT to_regclass('databasechangelog') IS NULL AND to_regclass('databasechangeloglock') IS NULL")) {
        rs.next();
        assertTrue(rs.getBoolean(1), "not even Liquibase's own tables");
      }
    }
  }

  @Test
  void markingEverythingRecordsTheRowsTheStockChangelogSyncRecords() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.localRunner(new ChangelogFolder(ROOT, MASTER), pg.secretJson(byRunner))
        .withMarkApplied(new MigrationRunner.MarkAppliedRequest(null))
        .run(localTrigger(false));
    StockCli.Outcome stock = new StockCli(pg, byStock, ROOT, MASTER).run("changelog-sync");

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals("marked 5 changeset(s) as applied without running them (changelog-sync)", result.message());
    assertEquals(5, result.applied().count());
    assertEquals(0, result.pending().count());
    assertTrue(stock.succeeded(), stock.output());
    try (Connection s = pg.connect(byStock); Connection r = pg.connect(byRunner)) {
      assertEquals(SchemaSnapshot.of(s), SchemaSnapshot.of(r));
      assertEquals(5, SchemaSnapshot.history(r).size());
    }
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void markingUpToAChangesetLeavesTheRestToTheNextUpdate() throws Exception {
    String db = pg.createDatabase();
    try (Connection c = pg.connect(db); var s = c.createStatement()) {
      // The first two changesets' schema, built by hand before Liquibase was used.
      s.execute("CREATE SEQUENCE owner_seq START 1 INCREMENT 50");
      s.execute("CREATE TABLE owner (id bigint PRIMARY KEY, first_name varchar(30), last_name varchar(30) NOT NULL,"
          + " city varchar(80))");
      s.execute("CREATE TABLE pet (id bigserial PRIMARY KEY, name varchar(30), birth_date date,"
          + " owner_id bigint NOT NULL REFERENCES owner (id))");
    }
    ChangelogFolder folder = new ChangelogFolder(ROOT, MASTER);

    MigrationResult marked = new RunnerFixture().localRunner(folder, pg.secretJson(db))
        .withMarkApplied(new MigrationRunner.MarkAppliedRequest(PET))
        .run(localTrigger(false));
    MigrationResult update = new RunnerFixture().localRunner(folder, pg.secretJson(db)).run(localTrigger(false));

    assertEquals(Status.SUCCEEDED, marked.status(), marked.message());
    assertEquals(List.of(OWNER, PET), marked.applied().changesets());
    assertEquals(3, marked.pending().count());
    assertEquals(Status.SUCCEEDED, update.status(), update.message());
    assertEquals(3, update.applied().count(), "the update ran only what was not marked");
  }

  @Test
  void anUnknownLastChangesetFailsAndWritesNothing() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = new RunnerFixture().localRunner(new ChangelogFolder(ROOT, MASTER), pg.secretJson(db))
        .withMarkApplied(new MigrationRunner.MarkAppliedRequest("db/changelog/changes/001-owner.yaml::9::nobody"))
        .run(localTrigger(false));

    assertEquals(Reason.INVALID_CHANGELOG, result.reason());
    assertTrue(result.message().contains("has no changeset db/changelog/changes/001-owner.yaml::9::nobody"),
        result.message());
    try (Connection c = pg.connect(db)) {
      assertEquals(List.of(), SchemaSnapshot.history(c));
    }
  }

  @Test
  void theFlagsAreForLocalRunsOnly() throws Exception {
    String secret = pg.secretJson(pg.createDatabase());
    LocalProcess.Outcome withEvent = LocalProcess.run(Map.of("DB_MIGRATOR_SECRET_JSON", secret),
        "--event", "e.json", "--watched", RunnerFixture.WATCHED_STACK_ID, "--mark-applied");
    LocalProcess.Outcome toAlone = LocalProcess.run(Map.of("DB_MIGRATOR_SECRET_JSON", secret),
        "--local", "--to-changeset", OWNER);

    assertEquals(2, withEvent.exitCode(), withEvent.all());
    assertTrue(withEvent.stderr().contains("--mark-applied goes with --local"), withEvent.stderr());
    assertEquals(2, toAlone.exitCode(), toAlone.all());
    assertTrue(toAlone.stderr().contains("--to-changeset goes with --mark-applied"), toAlone.stderr());
  }

  private static JsonNode localTrigger(boolean dryRun) {
    return dev.dbmigrator.runner.local.LocalTriggerAccess.event(dryRun);
  }
}
