package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MigrationRunnerTest {
  private final TestPostgres pg = TestPostgres.get();
  private final RunnerFixture fixture = new RunnerFixture();

  @AfterEach
  void everyRecordMatchesTheContract() {
    fixture.store.values.forEach(ResultSchema::assertValid);
    fixture.events.details.forEach(ResultSchema::assertValid);
    assertEquals(fixture.store.values, fixture.events.details, "SSM and the event carry the same result");
  }

  @Test
  void appliesTheShippedChangelogAndRecordsIt() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, result.status());
    assertNull(result.reason());
    assertEquals(List.of(
        "changes/001-create-schema-demo.yaml::001-create-schema-demo::db-migrator",
        "changes/002-create-table-users.yaml::002-create-table-users::db-migrator"), result.applied().changesets());
    assertEquals(0, result.pending().count());
    assertEquals(2, result.changelog().totalChangesets());
    assertTrue(result.changelog().checksum().matches("sha256:[0-9a-f]{64}"));
    assertEquals("cf-event-testing", result.trigger().stackName());
    assertEquals(db, result.database().name());
    assertTrue(result.database().serverVersion().startsWith("17"));
    assertEquals(List.of("id", "name", "email", "created_at"), columnsOf(db, "demo", "users"));
    assertEquals(List.of("Database Migration Succeeded"), fixture.events.detailTypes);
    assertEquals(1, fixture.store.values.size());
  }

  @Test
  void aSecondRunAppliesNothing() throws Exception {
    String db = pg.createDatabase();
    MigrationRunner runner = fixture.runner(RepoPaths.changelog(), pg.secretJson(db));

    runner.run(RunnerFixture.updateComplete());
    MigrationResult second = runner.run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, second.status());
    assertEquals(0, second.applied().count());
    assertEquals(0, second.pending().count());
    assertEquals(2, changelogRows(db));
    assertEquals(2, fixture.store.values.size(), "each run leaves its own record");
  }

  @Test
  void badSqlFailsThatChangesetAloneAndKeepsTheOnesBefore() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.testChangelog("bad-sql"), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.CHANGESET_FAILED, result.reason());
    assertEquals("changes/003-bad-sql.yaml::003-bad-sql::test", result.failedChangeset());
    assertEquals(2, result.applied().count());
    assertEquals(List.of("changes/003-bad-sql.yaml::003-bad-sql::test", "changes/004-table-c.yaml::004-table-c::test"),
        result.pending().changesets());
    assertTrue(result.message().contains("SELEC"), result.message());
    assertEquals(List.of("id"), columnsOf(db, "shop", "a"), "changesets before the failure stay applied");
    assertEquals(List.of(), columnsOf(db, "shop", "b"), "nothing of the failing changeset remains");
    assertEquals(List.of(), columnsOf(db, "shop", "c"), "nothing after the failure runs");
    assertEquals(2, changelogRows(db));
    assertEquals(List.of("Database Migration Failed"), fixture.events.detailTypes);
  }

  @Test
  void aMalformedEventIsRecordedAsInvalidAndTouchesNothing() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
        .run(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"source\": 42}"));

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.INVALID_EVENT, result.reason());
    assertEquals(0, changelogRows(db));
    assertEquals(1, fixture.store.values.size());
  }

  @Test
  void aStatusThatIsNotATriggerIsSkipped() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
        .run(RunnerFixture.withStatus("UPDATE_ROLLBACK_COMPLETE"));

    assertEquals(Status.SKIPPED, result.status());
    assertEquals(Reason.NOT_A_TRIGGER, result.reason());
    assertEquals(0, changelogRows(db));
    assertEquals(List.of("Database Migration Skipped"), fixture.events.detailTypes);
  }

  @Test
  void aReplayOfAWatchedStackMigrates() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
        .run(RunnerFixture.replay("cf-event-testing", false));

    assertEquals(Status.SUCCEEDED, result.status());
    assertEquals("REPLAY", result.trigger().type());
    assertEquals("after restore", result.trigger().reason());
    assertEquals(2, result.applied().count());
  }

  @Test
  void aDryRunReplayPlansAndAppliesNothing() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
        .run(RunnerFixture.replay("cf-event-testing", true));

    assertEquals(Status.PLANNED, result.status(), result.message());
    assertEquals(Reason.DRY_RUN, result.reason());
    assertTrue(result.trigger().dryRun());
    assertEquals(2, result.pending().count());
    assertEquals(0, result.applied().count());
    assertTrue(result.sqlPreview().contains("CREATE TABLE demo.users"), result.sqlPreview());
    assertEquals(List.of(), columnsOf(db, "demo", "users"), "nothing was applied");
    assertEquals(0, changelogRows(db));
    assertEquals(List.of("Database Migration Planned"), fixture.events.detailTypes);
  }

  @Test
  void aDryRunAfterTheMigrationPlansNothing() throws Exception {
    String db = pg.createDatabase();
    MigrationRunner runner = fixture.runner(RepoPaths.changelog(), pg.secretJson(db));
    runner.run(RunnerFixture.updateComplete());

    MigrationResult result = runner.run(RunnerFixture.replay("cf-event-testing", true));

    assertEquals(Status.PLANNED, result.status(), result.message());
    assertEquals(0, result.pending().count());
    assertEquals(2, changelogRows(db));
  }

  @Test
  void contextsSelectTheChangesetsAndTheEndpointCanBeOverridden() throws Exception {
    String db = pg.createDatabase();
    String secretWithWrongHost = pg.secretJson(db).replace("\"host\":\"" + pg.host + "\"", "\"host\":\"192.0.2.1\"");

    MigrationRunner runner = fixture.runner(RepoPaths.testChangelog("contexts"), secretWithWrongHost,
            java.time.Duration.ofSeconds(3), pg.host)
        .withFilter(new dev.dbmigrator.runner.migration.LiquibaseMigration.Filter("prod", null));
    MigrationResult result = runner.run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(List.of("db.changelog-master.yaml::001-everywhere::test"), result.applied().changesets());
    assertEquals(List.of("id"), columnsOf(db, "public", "everywhere"));
    assertEquals(List.of(), columnsOf(db, "public", "test_data"), "a changeset of another context is not applied");
  }

  @Test
  void aWrongPasswordIsAuthFailed() throws Exception {
    String db = pg.createDatabase();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db, "not-the-password"))
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.AUTH_FAILED, result.reason());
    assertFalse(result.message().contains("not-the-password"));
    assertEquals(0, changelogRows(db));
  }

  @Test
  void aSecretWithoutHostIsSecretUnavailable() throws Exception {
    MigrationResult result = fixture.runner(RepoPaths.changelog(), "{\"port\":5432,\"username\":\"u\",\"password\":\"p\",\"dbname\":\"d\"}")
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.SECRET_UNAVAILABLE, result.reason());
    assertEquals("the secret lacks the key(s): host", result.message());
  }

  @Test
  void anUnreachableDatabaseIsConnectionFailed() throws Exception {
    String secret = "{\"host\":\"127.0.0.1\",\"port\":1,\"username\":\"u\",\"password\":\"p\",\"dbname\":\"d\"}";

    MigrationResult result = fixture.runner(RepoPaths.changelog(), secret).run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.CONNECTION_FAILED, result.reason());
    assertTrue(result.message().contains("SQLState 08"), result.message());
  }

  private List<String> columnsOf(String db, String schema, String table) throws SQLException {
    try (Connection c = pg.connect(db); var s = c.prepareStatement(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      s.setString(1, schema);
      s.setString(2, table);
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      return columns;
    }
  }

  private int changelogRows(String db) throws SQLException {
    try (Connection c = pg.connect(db); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'databasechangelog'")) {
      rs.next();
      if (rs.getInt(1) == 0) {
        return 0;
      }
    }
    try (Connection c = pg.connect(db); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM databasechangelog")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
