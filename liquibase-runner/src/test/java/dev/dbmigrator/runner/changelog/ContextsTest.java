package dev.dbmigrator.runner.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
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
 * Contexts and labels are set before the changelog is parsed, so a multi-database changelog (context-bound
 * properties, duplicate ids told apart by context, includeAll, loadData) runs as the stock CLI runs it with
 * {@code --contexts}: same schema, same DATABASECHANGELOG, same data.
 */
class ContextsTest {
  private static final Path MULTI_DB = RepoPaths.testChangelog("multi-db");
  private static final String MASTER = "db.changelog-master.xml";
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path work;

  @Test
  void contextBoundPropertiesResolveAsTheStockCliResolvesThem() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(new ChangelogFolder(MULTI_DB, MASTER), pg.secretJson(byRunner))
        .withFilter(new LiquibaseMigration.Filter("postgresql", null))
        .run(RunnerFixture.updateComplete());
    StockCli.Outcome stock = new StockCli(pg, byStock, MULTI_DB, MASTER).with("--contexts=postgresql").run("update");

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertTrue(stock.succeeded(), stock.output());
    assertEquals(7, result.applied().count(), result.applied().changesets().toString());
    assertEquals(0, result.pending().count());
    assertEquals(9, result.changelog().totalChangesets(), "all changesets of the changelog, every context");
    assertParity(byStock, byRunner);
    try (Connection c = pg.connect(byRunner)) {
      assertTrue(SchemaSnapshot.of(c).schema().contains(
          "column public.account.opened_on date not null default CURRENT_DATE"), "the postgresql value of ${now}");
      assertTrue(SchemaSnapshot.rowCounts(c).contains("public.currency 6"), "loadData read the whole CSV");
    }
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void withoutContextsTheDuplicateIdsAreInvalidAsTheStockCliFindsThem() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();

    MigrationResult result = new RunnerFixture().runner(new ChangelogFolder(MULTI_DB, MASTER), pg.secretJson(byRunner))
        .run(RunnerFixture.updateComplete());
    StockCli.Outcome stock = new StockCli(pg, byStock, MULTI_DB, MASTER).run("update");

    assertEquals(Reason.INVALID_CHANGELOG, result.reason(), result.message());
    assertTrue(result.message().contains("duplicate"), result.message());
    assertEquals(0, result.applied().count());
    assertTrue(!stock.succeeded() && stock.output().contains("duplicate"), stock.output());
    assertParity(byStock, byRunner);
  }

  @Test
  void localRunsTakeContextsAndLabels() throws Exception {
    String db = pg.createDatabase();
    String byStock = pg.createDatabase();
    Path resultFile = work.resolve("result.json");

    LocalProcess.Outcome run = LocalProcess.run(Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db)),
        "--local", "--changelog", MULTI_DB.toString(), "--changelog-file", MASTER,
        "--contexts", "postgresql", "--labels", "!experimental", "--ssl-mode", "disable",
        "--result-file", resultFile.toString());

    assertEquals(0, run.exitCode(), run.all());
    JsonNode result = new ObjectMapper().readTree(run.stdout());
    ResultSchema.assertValid(run.stdout().trim());
    assertEquals("SUCCEEDED", result.get("status").asText());
    assertEquals(7, result.get("applied").get("count").asInt());
    assertEquals(0, result.get("pending").get("count").asInt());
    StockCli.Outcome stock = new StockCli(pg, byStock, MULTI_DB, MASTER)
        .run("update", "--contexts=postgresql", "--label-filter=!experimental");
    assertTrue(stock.succeeded(), stock.output());
    assertParity(byStock, db);
  }

  @Test
  void pendingHonoursContextsAndLabels() throws Exception {
    String db = pg.createDatabase();
    Path contexts = RepoPaths.testChangelog("contexts");

    MigrationResult dryRun = new RunnerFixture().runner(contexts, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("prod", null))
        .run(RunnerFixture.replay("cf-event-testing", true));
    MigrationResult update = new RunnerFixture().runner(contexts, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("prod", null))
        .run(RunnerFixture.updateComplete());
    MigrationResult underTest = new RunnerFixture().runner(contexts, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("test", null))
        .run(RunnerFixture.replay("cf-event-testing", true));

    assertEquals(List.of("db.changelog-master.yaml::001-everywhere::test"), dryRun.pending().changesets());
    assertEquals(Status.SUCCEEDED, update.status(), update.message());
    assertEquals(0, update.pending().count(), "the test-only changeset is not pending under prod");
    assertEquals(List.of("db.changelog-master.yaml::002-test-data::test"), underTest.pending().changesets());
  }

  private void assertParity(String stockDb, String runnerDb) throws Exception {
    SchemaSnapshot stock;
    SchemaSnapshot runner;
    List<String> stockRows;
    List<String> runnerRows;
    try (Connection s = pg.connect(stockDb); Connection r = pg.connect(runnerDb)) {
      stock = SchemaSnapshot.of(s);
      runner = SchemaSnapshot.of(r);
      stockRows = SchemaSnapshot.rowCounts(s);
      runnerRows = SchemaSnapshot.rowCounts(r);
    }
    assertEquals(stock.schema(), runner.schema());
    assertEquals(stock.history(), runner.history());
    assertEquals(stockRows, runnerRows);
  }
}
