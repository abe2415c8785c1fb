package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.ChangelogDir;
import dev.dbmigrator.runner.support.ChildRunner;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A changeset that cannot be atomic (runInTransaction false, or SQL that commits by itself) runs inside a trace.
 * A run stopped inside one makes the next run fail with INTERRUPTED_CHANGESET, apply nothing, name what it left,
 * and give the statement that lets a person resume once they have checked.
 */
class InterruptedChangesetTest {
  private static final String TRACE = "db_migrator_inflight_changeset";
  private static final String SLEEP = "pg_sleep(coalesce(nullif(current_setting('dbmigrator.test_sleep_seconds',"
      + " true), ''), '0')::float)";
  private static final Pattern CLEAR = Pattern.compile("`(DELETE FROM " + TRACE + " [^`]*)`");

  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aConcurrentIndexBuildKilledMidwayIsReportedWithItsInvalidIndexAndResumesOnceCleared() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    Path changelog = ChangelogDir.write("concurrent", Map.of("db.changelog-master.yaml", """
        databaseChangeLog:
          - changeSet:
              id: 1-big
              author: test
              changes:
                - sql: { sql: "CREATE TABLE big (id int)" }
                - sql: { sql: "INSERT INTO big SELECT generate_series(1, 20)" }
                - sql:
                    splitStatements: false
                    sql: "CREATE FUNCTION slow_id(i int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM %s; RETURN i; END $$"
          - changeSet:
              id: 2-index
              author: test
              runInTransaction: false
              changes:
                - sql: { sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS big_slow_idx ON big (slow_id(id))" }
        """.formatted(SLEEP)));
    probe.setSleep("0.5");
    Process runner = ChildRunner.start(pg, db, changelog, Path.of("target", "interrupted-" + db + ".json"));
    probe.await("the concurrent index build", Duration.ofSeconds(60), "SELECT count(*) FROM pg_stat_activity"
        + " WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'");
    assertEquals(1, probe.count("SELECT count(*) FROM " + TRACE), "the trace was committed before the build");
    ChildRunner.kill(runner);
    probe.awaitNoOtherBackend(Duration.ofSeconds(30));
    probe.setSleep(null);
    assertEquals(1, probe.count("SELECT count(*) FROM pg_index WHERE indexrelid = 'big_slow_idx'::regclass"
        + " AND NOT indisvalid"), "the killed build left its index INVALID");

    RunnerFixture recorded = new RunnerFixture();
    MigrationResult next = recorded.runner(changelog, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    System.out.println("interrupted concurrent index build, next run: " + next.message());
    assertEquals(Status.FAILED, next.status());
    assertEquals(Reason.INTERRUPTED_CHANGESET, next.reason());
    assertTrue(next.message().contains("db.changelog-master.yaml::2-index::test"), next.message());
    assertTrue(next.message().contains("public.big_slow_idx"), next.message());
    assertEquals(0, next.applied().count());
    assertEquals(List.of("db.changelog-master.yaml::2-index::test"), next.pending().changesets());
    recorded.store.values.forEach(ResultSchema::assertValid);
    assertEquals(1, probe.count("SELECT count(*) FROM databasechangelog"), "nothing applied");

    MigrationResult dryRun = run(changelog, db, true);
    assertEquals(Status.PLANNED, dryRun.status(), dryRun.message());
    assertEquals(1, probe.count("SELECT count(*) FROM " + TRACE), "a dry run leaves the trace alone");

    probe.execute("DROP INDEX CONCURRENTLY big_slow_idx", clearStatement(next.message()));
    MigrationResult resumed = run(changelog, db, false);

    assertEquals(Status.SUCCEEDED, resumed.status(), resumed.message());
    assertEquals(List.of("db.changelog-master.yaml::2-index::test"), resumed.applied().changesets());
    assertEquals(1, probe.count("SELECT count(*) FROM pg_index WHERE indexrelid = 'big_slow_idx'::regclass"
        + " AND indisvalid"));
    assertEquals(0, probe.count("SELECT count(*) FROM " + TRACE));
  }

  @Test
  void sqlThatCommitsByItselfRunsInsideATraceAndAnInterruptedOneIsReported() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    Path changelog = ChangelogDir.write("self-commit", Map.of("db.changelog-master.yaml", """
        databaseChangeLog:
          - changeSet:
              id: 1-self-commit
              author: test
              changes:
                - sql: { sql: "CREATE TABLE c1 (id int); COMMIT; SELECT %s; CREATE TABLE c2 (id int)" }
        """.formatted(SLEEP)));
    probe.setSleep("60");
    Process runner = ChildRunner.start(pg, db, changelog, Path.of("target", "self-commit-" + db + ".json"));
    probe.await("the sleep after the COMMIT", Duration.ofSeconds(60), "SELECT count(*) FROM pg_stat_activity"
        + " WHERE datname = current_database() AND wait_event = 'PgSleep'");
    assertEquals(1, probe.count("SELECT count(*) FROM " + TRACE));
    ChildRunner.kill(runner);
    probe.awaitNoOtherBackend(Duration.ofSeconds(30));
    probe.setSleep(null);

    MigrationResult next = run(changelog, db, false);

    assertEquals(Reason.INTERRUPTED_CHANGESET, next.reason(), next.message());
    assertTrue(next.message().contains("1-self-commit"), next.message());
    assertEquals(1, probe.count("SELECT count(*) FROM pg_class WHERE relname = 'c1'"),
        "the part before its own COMMIT stayed: why such a changeset needs a person");

    probe.execute("DROP TABLE c1", clearStatement(next.message()));
    MigrationResult resumed = run(changelog, db, false);

    assertEquals(Status.SUCCEEDED, resumed.status(), resumed.message());
    assertEquals(2, probe.count("SELECT count(*) FROM pg_class WHERE relname IN ('c1', 'c2')"));
    assertEquals(0, probe.count("SELECT count(*) FROM " + TRACE), "the trace is gone once the row is written");
  }

  @Test
  void ifNotExistsOverAnInvalidIndexIsNeverASuccess() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    probe.execute("CREATE TABLE dup (v int)", "INSERT INTO dup VALUES (1), (1)");
    try {
      probe.execute("CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON dup (v)");
    } catch (SQLException expected) {
      // The failed build leaves dup_v_key behind, INVALID.
    }
    Path changelog = ChangelogDir.write("invalid-index", Map.of("db.changelog-master.yaml", """
        databaseChangeLog:
          - changeSet:
              id: 1-unique
              author: test
              runInTransaction: false
              changes:
                - sql: { sql: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS dup_v_key ON dup (v)" }
        """));

    MigrationResult result = run(changelog, db, false);

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.CHANGESET_FAILED, result.reason());
    assertEquals("db.changelog-master.yaml::1-unique::test", result.failedChangeset());
    assertTrue(result.message().contains("public.dup_v_key") && result.message().contains("INVALID"),
        result.message());
    assertEquals(0, probe.count("SELECT count(*) FROM databasechangelog"));
    assertEquals(0, probe.count("SELECT count(*) FROM " + TRACE), "this run reported the failure itself");

    probe.execute("DELETE FROM dup WHERE ctid = (SELECT max(ctid) FROM dup)", "DROP INDEX dup_v_key");
    MigrationResult fixed = run(changelog, db, false);
    assertEquals(Status.SUCCEEDED, fixed.status(), fixed.message());
    assertEquals(1, probe.count("SELECT count(*) FROM pg_index WHERE indexrelid = 'dup_v_key'::regclass"
        + " AND indisvalid"));
  }

  @Test
  void aTraceWhoseChangesetWasRecordedIsOnlyCleared() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    Path changelog = ChangelogDir.write("recorded", Map.of("db.changelog-master.yaml", """
        databaseChangeLog:
          - changeSet:
              id: 1-table
              author: test
              changes:
                - createTable: { tableName: t, columns: [ { column: { name: v, type: int } } ] }
          - changeSet:
              id: 2-index
              author: test
              runInTransaction: false
              changes:
                - sql: { sql: "CREATE INDEX CONCURRENTLY t_v_idx ON t (v)" }
        """));
    assertEquals(Status.SUCCEEDED, run(changelog, db, false).status());
    assertEquals(0, probe.count("SELECT count(*) FROM " + TRACE));
    // A stop between the history commit and the trace's removal leaves exactly this.
    probe.execute("INSERT INTO " + TRACE + " (filename, id, author, sql) VALUES ('db.changelog-master.yaml',"
        + " '2-index', 'test', 'CREATE INDEX CONCURRENTLY t_v_idx ON t (v)')");

    MigrationResult next = run(changelog, db, false);

    assertEquals(Status.SUCCEEDED, next.status(), next.message());
    assertEquals(0, next.applied().count());
    assertEquals(0, probe.count("SELECT count(*) FROM " + TRACE));
  }

  private static String clearStatement(String message) {
    Matcher m = CLEAR.matcher(message);
    assertTrue(m.find(), "the message gives the statement that clears the trace: " + message);
    return m.group(1);
  }

  private MigrationResult run(Path changelog, String db, boolean dryRun) throws Exception {
    RunnerFixture fixture = new RunnerFixture();
    return fixture.runner(changelog, pg.secretJson(db)).run(dryRun
        ? RunnerFixture.replay("cf-event-testing", true) : RunnerFixture.updateComplete());
  }
}
