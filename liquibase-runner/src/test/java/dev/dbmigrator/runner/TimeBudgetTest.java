package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.Deadline;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** No changeset starts inside the time reserve; the run says so, and the next one finishes the work. */
class TimeBudgetTest {
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void tooLittleTimeLeftStopsBeforeTheNextChangesetAndTheNextRunFinishes() throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();
    AtomicInteger asked = new AtomicInteger();
    // Ten minutes left when the first changeset is about to start, five seconds from then on.
    Deadline runningOut = () -> asked.getAndIncrement() == 0 ? Duration.ofMinutes(10) : Duration.ofSeconds(5);

    MigrationResult first = fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
        .withTimeReserve(Duration.ofSeconds(30))
        .run(RunnerFixture.updateComplete(), runningOut);

    assertEquals(Status.FAILED, first.status());
    assertEquals(Reason.TIME_BUDGET, first.reason());
    assertTrue(first.message().contains("stopped before changes/002-create-table-users.yaml"), first.message());
    assertEquals(List.of("changes/001-create-schema-demo.yaml::001-create-schema-demo::db-migrator"),
        first.applied().changesets());
    assertEquals(List.of("changes/002-create-table-users.yaml::002-create-table-users::db-migrator"),
        first.pending().changesets());
    assertEquals(1, rows(db));

    MigrationResult next = fixture.runner(RepoPaths.changelog(), pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, next.status());
    assertEquals(1, next.applied().count());
    assertEquals(2, rows(db));
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  private int rows(String db) throws Exception {
    try (Connection c = pg.connect(db); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM databasechangelog")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
