package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.ChangelogDir;
import dev.dbmigrator.runner.support.ChildRunner;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A transactional changeset's changes and its DATABASECHANGELOG row commit as one transaction. The window the
 * stock Liquibase leaves open between the two commits (Liquibase issue 7442) is held open here on purpose: a
 * trigger makes the history insert sleep, and the runner is killed inside it.
 */
class AtomicChangesetTest {
  private static final String FIRST = """
      databaseChangeLog:
        - changeSet:
            id: 1-first
            author: test
            changes:
              - createTable: { tableName: first, columns: [ { column: { name: id, type: int } } ] }
      """;
  private static final String WITH_TARGET = FIRST + """
        - changeSet:
            id: 2-target
            author: test
            changes:
              - createTable: { tableName: target, columns: [ { column: { name: id, type: int } } ] }
              - insert: { tableName: target, columns: [ { column: { name: id, valueNumeric: 1 } } ] }
      """;
  /** Makes the history insert of changeset 2-target sleep: the moment between its changes and its row. */
  private static final String[] PAUSE_HISTORY = {
      "CREATE FUNCTION pause_history() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60);"
          + " RETURN NEW; END $$",
      "CREATE TRIGGER pause_history BEFORE INSERT ON databasechangelog FOR EACH ROW"
          + " WHEN (NEW.id = '2-target') EXECUTE FUNCTION pause_history()"};
  private static final String IN_HISTORY_INSERT = "SELECT count(*) FROM pg_stat_activity WHERE datname ="
      + " current_database() AND wait_event = 'PgSleep' AND query ILIKE '%databasechangelog%'";
  private static final String TARGET_VISIBLE = "SELECT count(*) FROM pg_class WHERE relname = 'target'";

  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aRunnerKilledBetweenAChangesetsChangesAndItsHistoryRowLeavesNeitherAndTheNextRunAppliesIt()
      throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    Path changelog = ChangelogDir.write("atomic", Map.of("db.changelog-master.yaml", FIRST));
    assertEquals(Status.SUCCEEDED, run(changelog, db).status());
    ChangelogDir.put(changelog, "db.changelog-master.yaml", WITH_TARGET);
    probe.execute(PAUSE_HISTORY);

    Process runner = ChildRunner.start(pg, db, changelog, Path.of("target", "atomic-" + db + ".json"));
    probe.await("the history insert of 2-target", Duration.ofSeconds(60), IN_HISTORY_INSERT);
    assertEquals(0, probe.count(TARGET_VISIBLE),
        "while its history row is being written, the changeset's table is not committed yet");
    ChildRunner.kill(runner);
    probe.awaitNoOtherBackend(Duration.ofSeconds(30));
    assertEquals(0, probe.count(TARGET_VISIBLE), "the killed changeset left nothing");
    probe.execute("DROP TRIGGER pause_history ON databasechangelog");

    MigrationResult next = run(changelog, db);
    assertEquals(Status.SUCCEEDED, next.status(), next.message());
    assertEquals(List.of("db.changelog-master.yaml::2-target::test"), next.applied().changesets());
    assertEquals(1, probe.count("SELECT count(*) FROM target"));
    assertEquals(2, probe.count("SELECT count(*) FROM databasechangelog"));
  }

  /** The baseline: the stock CLI killed at the same point leaves the table without its row, for good. */
  @Test
  void theStockCliKilledAtTheSamePointLeavesTheTableWithoutItsRowAndItsNextRunFails() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    Path changelog = ChangelogDir.write("atomic-stock", Map.of("db.changelog-master.yaml", FIRST));
    StockCli stock = new StockCli(pg, db, changelog, "db.changelog-master.yaml");
    StockCli.Outcome first = stock.run("update");
    assertTrue(first.succeeded(), first.output());
    ChangelogDir.put(changelog, "db.changelog-master.yaml", WITH_TARGET);
    probe.execute(PAUSE_HISTORY);

    Process cli = stock.start("update");
    probe.await("the history insert of 2-target", Duration.ofSeconds(60), IN_HISTORY_INSERT);
    assertEquals(1, probe.count(TARGET_VISIBLE), "the stock CLI committed the changes before their row");
    ChildRunner.kill(cli);
    probe.terminateOtherBackends();
    probe.awaitNoOtherBackend(Duration.ofSeconds(30));
    probe.execute("DROP TRIGGER pause_history ON databasechangelog");

    assertTrue(stock.run("release-locks").succeeded(), "the killed CLI's lock row is released by hand");
    StockCli.Outcome next = stock.run("update");
    assertFalse(next.succeeded(), "the next stock run fails");
    assertTrue(next.output().contains("already exists"), next.output());
    assertEquals(1, probe.count("SELECT count(*) FROM databasechangelog"));
  }

  @Test
  void failOnErrorFalseAndAFailedChangesetLeaveNothingHeld() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    String tolerated = """
        databaseChangeLog:
          - changeSet:
              id: 1-a
              author: test
              changes:
                - createTable: { tableName: a, columns: [ { column: { name: id, type: int } } ] }
          - changeSet:
              id: 2-tolerated
              author: test
              failOnError: false
              changes:
                - sql: { sql: "CREATE TABLE b (id int); SELECT 1/0" }
          - changeSet:
              id: 3-c
              author: test
              changes:
                - createTable: { tableName: c, columns: [ { column: { name: id, type: int } } ] }
        """;
    Path changelog = ChangelogDir.write("tolerated", Map.of("db.changelog-master.yaml", tolerated));

    MigrationResult result = run(changelog, db);

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(List.of("db.changelog-master.yaml::1-a::test", "db.changelog-master.yaml::3-c::test"),
        result.applied().changesets());
    assertEquals(0, probe.count("SELECT count(*) FROM pg_class WHERE relname = 'b'"), "2 rolled back whole");
    assertEquals(1, probe.count("SELECT count(*) FROM pg_class WHERE relname = 'c'"), "3 committed after it");
    assertEquals(2, probe.count("SELECT count(*) FROM databasechangelog"));

    ChangelogDir.put(changelog, "db.changelog-master.yaml", tolerated + """
          - changeSet:
              id: 4-fails
              author: test
              changes:
                - createTable: { tableName: d, columns: [ { column: { name: id, type: int } } ] }
                - sql: { sql: "SELECT 1/0" }
        """);
    MigrationResult failed = run(changelog, db);

    assertEquals(Status.FAILED, failed.status());
    assertEquals(Reason.CHANGESET_FAILED, failed.reason());
    assertEquals("db.changelog-master.yaml::4-fails::test", failed.failedChangeset());
    assertEquals(0, probe.count("SELECT count(*) FROM pg_class WHERE relname = 'd'"));
    assertEquals(2, probe.count("SELECT count(*) FROM databasechangelog"));
    assertEquals(0, probe.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND state LIKE 'idle in transaction%'"), "no transaction left open");
  }

  private MigrationResult run(Path changelog, String db) throws Exception {
    return new RunnerFixture().runner(changelog, pg.secretJson(db)).run(RunnerFixture.updateComplete());
  }
}
