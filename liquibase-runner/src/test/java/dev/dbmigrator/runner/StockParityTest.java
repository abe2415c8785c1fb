package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The runner and the stock Liquibase CLI, given the same changelog, leave the same schema and history. */
class StockParityTest {
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void theProjectsChangelogLeavesWhatTheStockCliLeaves() throws Exception {
    Path changelog = RepoPaths.changelog();
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();

    MigrationResult result = new RunnerFixture().runner(changelog, pg.secretJson(byRunner))
        .run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    StockCli.Outcome stock = new StockCli(pg, byStock, changelog, "db.changelog-master.yaml").run("update");
    assertTrue(stock.succeeded(), stock.output());

    SchemaSnapshot runner = snapshot(byRunner);
    SchemaSnapshot baseline = snapshot(byStock);
    assertFalse(baseline.schema().isEmpty(), "the stock CLI created the demo schema");
    assertEquals(2, baseline.history().size());
    assertEquals(baseline.schema(), runner.schema());
    assertEquals(baseline.history(), runner.history());
  }

  private SchemaSnapshot snapshot(String database) throws Exception {
    try (Connection c = pg.connect(database)) {
      return SchemaSnapshot.of(c);
    }
  }
}
