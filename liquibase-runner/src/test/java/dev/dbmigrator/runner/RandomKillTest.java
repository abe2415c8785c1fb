package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.ChildRunner;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.KillSchedule;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.TestPostgres;
import dev.dbmigrator.runner.support.WorkloadChangelog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner killed with SIGKILL at random points of a long apply of transactional changesets; after each kill a
 * plain re-run must succeed and leave exactly the schema, data counts and DATABASECHANGELOG rows of a clean run.
 * {@code -DkillTest.kills} (default 5; {@code npm run test:kill} runs 30), {@code -DkillTest.changesets}
 * (default 1000), {@code -DkillTest.seed} to replay a sequence.
 */
class RandomKillTest {
  private static final int KILLS = Integer.getInteger("killTest.kills", 5);
  private static final int CHANGESETS = Integer.getInteger("killTest.changesets", 1000);

  private final TestPostgres pg = TestPostgres.get();

  private record State(List<String> schema, List<String> history, List<String> rows) {
    static State of(TestPostgres pg, String db) throws Exception {
      try (Connection c = pg.connect(db)) {
        SchemaSnapshot snapshot = SchemaSnapshot.of(c);
        return new State(snapshot.schema(), snapshot.history(), SchemaSnapshot.rowCounts(c));
      }
    }
  }

  @Test
  void everyKillDuringALongApplyIsFollowedByAPlainRunThatReachesTheCleanRunsState() throws Exception {
    long started = System.nanoTime();
    Path changelog = WorkloadChangelog.write("kill", CHANGESETS);
    String reference = pg.createDatabase();
    Path referenceResult = Path.of("target", "kill-reference-" + reference + ".json");
    Process clean = ChildRunner.start(pg, reference, changelog, referenceResult);
    KillSchedule schedule = KillSchedule.measure(clean, new DatabaseProbe(pg, reference), CHANGESETS);
    assertEquals(0, clean.waitFor());
    assertEquals("SUCCEEDED", new ObjectMapper().readTree(Files.readString(referenceResult)).get("status").asText());
    State expected = State.of(pg, reference);
    assertEquals(CHANGESETS, expected.history().size());
    KillSchedule.drop(pg, reference);

    List<String> lines = new ArrayList<>();
    int succeeded = 0;
    int midApply = 0;
    for (int i = 1; i <= KILLS; i++) {
      String db = pg.createDatabase();
      DatabaseProbe probe = new DatabaseProbe(pg, db);
      KillSchedule.Point point = schedule.next();
      Process runner = ChildRunner.start(pg, db, changelog, Path.of("target", "kill-" + db + ".json"));
      KillSchedule.awaitPoint(runner, probe, point);
      ChildRunner.kill(runner);
      probe.awaitNoOtherBackend(Duration.ofSeconds(30));
      long recorded = probe.historyRows();
      midApply += recorded > 0 && recorded < CHANGESETS ? 1 : 0;

      long rerunStart = System.nanoTime();
      MigrationResult next = new RunnerFixture().runner(changelog, pg.secretJson(db))
          .run(RunnerFixture.updateComplete());
      long rerunMs = (System.nanoTime() - rerunStart) / 1_000_000;
      boolean same = next.status() == Status.SUCCEEDED && State.of(pg, db).equals(expected);
      succeeded += same ? 1 : 0;
      lines.add(String.format("kill %d after row %d + %d ms: %d of %d recorded; re-run %s in %d ms, %s", i,
          point.rows(), point.delayMs(), recorded, CHANGESETS, next.status(), rerunMs,
          same ? "same state as the clean run" : "DIFFERENT: " + next.message()));
      System.out.println(lines.get(lines.size() - 1));
      if (same) {
        KillSchedule.drop(pg, db);
      }
    }
    System.out.printf("runner kill test: %d changesets, seed %d; clean run: first row at %d ms, last at %d ms%n",
        CHANGESETS, schedule.seed, schedule.firstRowMs, schedule.lastRowMs);
    System.out.printf("runner kill test: %d of %d kills (%d mid-apply) followed by a plain re-run that SUCCEEDED"
        + " with the clean run's schema, rows and history; %d s in all%n", succeeded, KILLS, midApply,
        (System.nanoTime() - started) / 1_000_000_000);
    assertEquals(KILLS, succeeded, String.join("\n", lines));
    assertTrue(midApply > 0, "at least one kill landed mid-apply");
  }
}
