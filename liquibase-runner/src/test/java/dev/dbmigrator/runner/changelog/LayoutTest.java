package dev.dbmigrator.runner.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.result.MigrationResult;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Any master file in any layout: the search root is the changelog folder and the master is named by its path
 * inside it, so a database migrated earlier with Spring Boot's layout is adopted, never re-applied.
 */
class LayoutTest {
  private static final Path SPRING_ROOT = RepoPaths.testChangelog("spring-layout").resolve("src/main/resources");
  private static final String SPRING_MASTER = "db/changelog/db.changelog-master.yaml";
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path work;

  @Test
  void aHistoryWrittenByTheStockCliWithSpringBootsLayoutIsAdopted() throws Exception {
    String db = pg.createDatabase();
    StockCli.Outcome stock = new StockCli(pg, db, SPRING_ROOT, SPRING_MASTER).run("update");
    assertTrue(stock.succeeded(), stock.output());
    SchemaSnapshot before = snapshot(db);
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(new ChangelogFolder(SPRING_ROOT, SPRING_MASTER), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(0, result.applied().count(), "nothing re-applied");
    assertEquals(0, result.pending().count());
    assertEquals(5, result.changelog().totalChangesets());
    assertEquals(SPRING_MASTER, result.changelog().file());
    assertEquals(before, snapshot(db));
    assertTrue(before.history().stream().anyMatch(row -> row.contains(" | db/changelog/changes/001-owner.yaml | ")),
        before.history().toString());
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void onANewDatabaseTheRunnerRecordsWhatTheStockCliRecords() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();

    MigrationResult result = new RunnerFixture().runner(new ChangelogFolder(SPRING_ROOT, SPRING_MASTER),
        pg.secretJson(byRunner)).run(RunnerFixture.updateComplete());
    StockCli.Outcome stock = new StockCli(pg, byStock, SPRING_ROOT, SPRING_MASTER).run("update");

    assertEquals(5, result.applied().count(), result.message());
    assertTrue(stock.succeeded(), stock.output());
    assertEquals(snapshot(byStock), snapshot(byRunner));
    try (Connection s = pg.connect(byStock); Connection r = pg.connect(byRunner)) {
      assertEquals(SchemaSnapshot.rowCounts(s), SchemaSnapshot.rowCounts(r));
    }
  }

  /**
   * Spring Boot opens {@code classpath:/db/changelog/db.changelog-master.yaml}, and its rows carry that prefix.
   * Liquibase strips {@code classpath:} and the leading slash when it compares paths, so both the stock CLI and
   * the runner see those rows as their own.
   */
  @Test
  void aClasspathPrefixedHistoryRecordedByAnotherToolIsAdopted() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();
    for (String db : List.of(byRunner, byStock)) {
      assertTrue(new StockCli(pg, db, SPRING_ROOT, SPRING_MASTER).run("update").succeeded());
      try (Connection c = pg.connect(db); var s = c.createStatement()) {
        assertEquals(5, s.executeUpdate("UPDATE databasechangelog SET filename = 'classpath:/' || filename"));
      }
    }

    MigrationResult result = new RunnerFixture().runner(new ChangelogFolder(SPRING_ROOT, SPRING_MASTER),
        pg.secretJson(byRunner)).run(RunnerFixture.updateComplete());
    StockCli.Outcome stock = new StockCli(pg, byStock, SPRING_ROOT, SPRING_MASTER).run("update");

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(0, result.applied().count());
    assertEquals(0, result.pending().count());
    assertTrue(stock.succeeded(), stock.output());
    SchemaSnapshot runner = snapshot(byRunner);
    assertEquals(snapshot(byStock), runner);
    assertTrue(runner.history().stream().allMatch(row -> row.contains(" | classpath:/db/changelog/")),
        "the other tool's rows are kept as they were: " + runner.history());
  }

  @ParameterizedTest
  @ValueSource(strings = {"changelog.json", "changelog.sql", "changelog.xml"})
  void aMasterFileInAnyFormatRunsAsTheStockCliRunsIt(String master) throws Exception {
    Path formats = RepoPaths.testChangelog("formats");
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();

    MigrationResult result = new RunnerFixture().runner(new ChangelogFolder(formats, master), pg.secretJson(byRunner))
        .withFilter(new LiquibaseMigration.Filter("postgresql", null))
        .run(RunnerFixture.updateComplete());
    StockCli.Outcome stock = new StockCli(pg, byStock, formats, master).run("update", "--contexts=postgresql");

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertTrue(result.applied().count() > 0);
    assertTrue(stock.succeeded(), stock.output());
    assertEquals(snapshot(byStock), snapshot(byRunner));
  }

  @Test
  void theMasterPathMustBeRelativeInsideTheFolderAndExist() {
    Path root = RepoPaths.testChangelog("formats");
    assertEquals("changelog.xml", new ChangelogFolder(root, "./changelog.xml").masterFile());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ChangelogFolder(root, "/etc/passwd"))
        .getMessage().contains("must be a path relative to the changelog folder"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ChangelogFolder(root, "../contexts/db.changelog-master.yaml"))
        .getMessage().contains("leaves the changelog folder"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ChangelogFolder(root, "classpath:changelog.xml"))
        .getMessage().contains("must be a path relative"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ChangelogFolder(root, "missing.yaml"))
        .getMessage().contains("has no file missing.yaml"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ChangelogFolder(root, " "))
        .getMessage().contains("the changelog file is empty"));
  }

  @Test
  void localRunsRefuseABadMasterPathAsAUsageError() throws Exception {
    LocalProcess.Outcome run = LocalProcess.run(Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(pg.createDatabase())),
        "--local", "--changelog", RepoPaths.testChangelog("formats").toString(), "--changelog-file", "../x.yaml",
        "--result-file", work.resolve("r.json").toString());

    assertEquals(2, run.exitCode(), run.all());
    assertTrue(run.stderr().contains("leaves the changelog folder"), run.stderr());
    assertEquals("", run.stdout());
  }

  private SchemaSnapshot snapshot(String db) throws Exception {
    try (Connection c = pg.connect(db)) {
      return SchemaSnapshot.of(c);
    }
  }
}
