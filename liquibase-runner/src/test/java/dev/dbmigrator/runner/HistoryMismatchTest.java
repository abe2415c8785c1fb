package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database migrated earlier with the changelog addressed differently records other paths in DATABASECHANGELOG.
 * The runner refuses to apply the changelog again over it, names the prefix and the setting that reproduces it,
 * and applies nothing; a history whose paths differ only by Liquibase's own normalisation is adopted as is.
 */
class HistoryMismatchTest {
  private static final Path SPRING_RESOURCES = RepoPaths.testChangelog("spring-invoices").resolve("src/main/resources");
  private static final Path SPRING_CHANGELOG = SPRING_RESOURCES.resolve("db/changelog");
  private static final Path XML_REPO = RepoPaths.testChangelog("xml-layout");
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aSpringBootLayoutHistoryIsRefusedNamingItsPrefixAndNothingIsApplied() throws Exception {
    String db = pg.createDatabase();
    StockCli.Outcome stock = new StockCli(pg, db, SPRING_RESOURCES, "db/changelog/db.changelog-master.yaml")
        .run("update");
    assertTrue(stock.succeeded(), stock.output());
    assertEquals(List.of("db/changelog/changes/001-customers.yaml::1::alice",
        "db/changelog/changes/002-invoices.yaml::2::alice", "db/changelog/changes/002-invoices.yaml::3::bob",
        "db/changelog/db.changelog-master.yaml::4::bob"), recorded(db));
    SchemaSnapshot before = snapshot(db);
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(SPRING_CHANGELOG, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    System.out.println("HISTORY_MISMATCH result: " + ResultJson.toJson(result));
    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.HISTORY_MISMATCH, result.reason());
    assertTrue(result.message().startsWith("DATABASECHANGELOG records 4 changeset(s) of this changelog under other"
        + " paths (recorded as 'db/changelog/changes/001-customers.yaml::1::alice', this run would record"
        + " 'changes/001-customers.yaml::1::alice'"), result.message());
    assertTrue(result.message().contains("the prefix 'db/changelog/'"), result.message());
    assertTrue(result.message().contains("changelogDir and changelogFile: 'db/changelog/db.changelog-master.yaml'"),
        result.message());
    assertTrue(result.message().contains("--changelog-file db/changelog/db.changelog-master.yaml"), result.message());
    assertEquals(0, result.applied().count());
    assertEquals(before, snapshot(db), "nothing applied, the history untouched");
    fixture.store.values.forEach(ResultSchema::assertValid);

    MigrationResult plan = fixture.runner(SPRING_CHANGELOG, pg.secretJson(db))
        .run(RunnerFixture.replay("cf-event-testing", true));
    assertEquals(Status.FAILED, plan.status());
    assertEquals(Reason.HISTORY_MISMATCH, plan.reason(), "a plan says so rather than list everything as pending");
    assertNull(plan.pending().count(), "which changesets are pending is unknown under a foreign history");
    assertEquals(before, snapshot(db));
  }

  @Test
  void anXmlHistoryRecordedFromTheRepositoryRootIsRefusedNamingItsPrefix() throws Exception {
    String db = pg.createDatabase();
    StockCli.Outcome stock = new StockCli(pg, db, XML_REPO, "liquibase/db.changelog-master.yaml").run("update");
    assertTrue(stock.succeeded(), stock.output());
    assertEquals(List.of("liquibase/changes/001-products.xml::products-1::carol",
        "liquibase/changes/002-prices.xml::prices-1::carol"), recorded(db));
    SchemaSnapshot before = snapshot(db);

    MigrationResult result = new RunnerFixture().runner(XML_REPO.resolve("liquibase"), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertEquals(Reason.HISTORY_MISMATCH, result.reason(), result.message());
    assertTrue(result.message().contains("the prefix 'liquibase/'"), result.message());
    assertTrue(result.message().contains("--changelog-file liquibase/db.changelog-master.yaml"), result.message());
    assertEquals(before, snapshot(db));
  }

  @Test
  void aClasspathHistoryAsSpringBootRecordsItIsComparedAfterNormalisation() throws Exception {
    String db = pg.createDatabase();
    migrateAsSpringBoot(db, SPRING_RESOURCES, "classpath:/db/changelog/db.changelog-master.yaml");
    List<String> history = recorded(db);
    System.out.println("history written by SpringLiquibase: " + history);
    // Liquibase 4.33 under Spring records the same paths as the stock CLI over Spring's layout...
    assertEquals(List.of("db/changelog/changes/001-customers.yaml::1::alice",
        "db/changelog/changes/002-invoices.yaml::2::alice", "db/changelog/changes/002-invoices.yaml::3::bob",
        "db/changelog/db.changelog-master.yaml::4::bob"), history);
    // ...where earlier Liquibase versions under Spring Boot kept the classpath: form they were given.
    classpathForm(db);
    SchemaSnapshot before = snapshot(db);

    MigrationResult result = new RunnerFixture().runner(SPRING_CHANGELOG, pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertEquals(Reason.HISTORY_MISMATCH, result.reason(), result.message());
    assertTrue(result.message().contains("the prefix 'db/changelog/'"), "classpath: and the leading / are not part"
        + " of the prefix: " + result.message());
    assertEquals(before, snapshot(db));
  }

  /**
   * What Spring Boot's Liquibase auto-configuration does at start-up: SpringLiquibase over a DataSource, with the
   * changelog resolved through Spring's resource loader from the application's resources.
   */
  private void migrateAsSpringBoot(String db, Path resourcesRoot, String changeLog) throws Exception {
    try (URLClassLoader resources = new URLClassLoader(new URL[] {resourcesRoot.toUri().toURL()},
        getClass().getClassLoader())) {
      SpringLiquibase liquibase = new SpringLiquibase();
      liquibase.setDataSource(new DriverManagerDataSource(
          "jdbc:postgresql://" + pg.host + ":" + pg.port + "/" + db, pg.username, pg.password));
      liquibase.setChangeLog(changeLog);
      liquibase.setResourceLoader(new DefaultResourceLoader(resources));
      liquibase.afterPropertiesSet();
    }
  }

  @Test
  void aClasspathHistoryThatNormalisesToTheRunnersPathsIsAdopted() throws Exception {
    String db = pg.createDatabase();
    // An application whose resources root is the changelog folder itself.
    migrateAsSpringBoot(db, SPRING_CHANGELOG, "classpath:/db.changelog-master.yaml");
    List<String> history = recorded(db);
    System.out.println("history written by SpringLiquibase: " + history);
    assertEquals("db.changelog-master.yaml::4::bob", history.get(3));
    classpathForm(db);
    history = recorded(db);
    assertEquals("classpath:/db.changelog-master.yaml::4::bob", history.get(3));
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(SPRING_CHANGELOG, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(0, result.applied().count(), "Liquibase's normalisation sees them as applied");
    assertEquals(history, recorded(db));
  }

  /** Rewrites the recorded paths as earlier Liquibase versions under Spring Boot wrote them. */
  private void classpathForm(String db) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("UPDATE databasechangelog SET filename = 'classpath:/' || filename");
    }
  }

  private List<String> recorded(String db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT filename || '::' || id || '::' || author FROM databasechangelog"
            + " ORDER BY orderexecuted")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private SchemaSnapshot snapshot(String db) throws Exception {
    try (Connection c = pg.connect(db)) {
      return SchemaSnapshot.of(c);
    }
  }
}
