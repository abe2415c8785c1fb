package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.KillSchedule;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import dev.dbmigrator.runner.support.WorkloadChangelog;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The baseline for {@link RandomKillTest}: the same loop against the stock Liquibase CLI of the same version.
 * After each kill the CLI's lock row is released ({@code release-locks}, the documented fix for the stale lock,
 * a separate problem), then a plain {@code update} runs. A next run that fails must fail on the half-applied
 * changeset ("already exists"). Prints how many of N kills left a database whose next stock run fails, and how
 * many one whose next run succeeds in another state than a clean run's (an insert applied twice). Not part of
 * {@code mvn test} (the class name does not end in Test): {@code npm run test:kill} runs it.
 */
class StockKillComparison {
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
  void killsOfTheStockCliDuringALongApply() throws Exception {
    long started = System.nanoTime();
    Path changelog = WorkloadChangelog.write("stock-kill", CHANGESETS);
    String reference = pg.createDatabase();
    Process clean = cli(reference, changelog).start("update");
    Thread cleanDrain = drained(clean);
    KillSchedule schedule = KillSchedule.measure(clean, new DatabaseProbe(pg, reference), CHANGESETS);
    assertEquals(0, clean.waitFor());
    cleanDrain.join();
    State expected = State.of(pg, reference);
    assertEquals(CHANGESETS, expected.history().size());
    KillSchedule.drop(pg, reference);

    List<String> lines = new ArrayList<>();
    int broken = 0;
    int drifted = 0;
    int midApply = 0;
    for (int i = 1; i <= KILLS; i++) {
      String db = pg.createDatabase();
      DatabaseProbe probe = new DatabaseProbe(pg, db);
      StockCli stock = cli(db, changelog);
      KillSchedule.Point point = schedule.next();
      Process process = stock.start("update");
      Thread drain = drained(process);
      KillSchedule.awaitPoint(process, probe, point);
      process.destroyForcibly().waitFor();
      drain.join();
      probe.terminateOtherBackends();
      probe.awaitNoOtherBackend(Duration.ofSeconds(30));
      long recorded = probe.historyRows();
      midApply += recorded > 0 && recorded < CHANGESETS ? 1 : 0;

      StockCli.Outcome release = stock.run("release-locks");
      assertTrue(release.succeeded(), release.output());
      StockCli.Outcome next = stock.run("update");
      String verdict;
      if (!next.succeeded()) {
        broken++;
        assertTrue(next.output().contains("already exists"), next.output());
        verdict = "next run FAILED: " + firstLine(next.output(), "already exists");
      } else if (!State.of(pg, db).equals(expected)) {
        // An insert committed without its row runs again: the next run succeeds with the rows twice.
        drifted++;
        verdict = "next run succeeded with a state that differs from the clean run's";
      } else {
        verdict = "next run succeeded";
      }
      lines.add(String.format("kill %d after row %d + %d ms: %d of %d recorded; %s", i, point.rows(),
          point.delayMs(), recorded, CHANGESETS, verdict));
      System.out.println(lines.get(lines.size() - 1));
      KillSchedule.drop(pg, db);
    }
    System.out.printf("stock CLI kill test: %d changesets, seed %d; clean run: first row at %d ms, last at %d ms%n",
        CHANGESETS, schedule.seed, schedule.firstRowMs, schedule.lastRowMs);
    System.out.printf("stock CLI kill test: %d of %d kills (%d mid-apply) left a database whose next stock run"
        + " fails, and %d one whose next run succeeds in a state that differs from a clean run's; %d s in all%n",
        broken, KILLS, midApply, drifted, (System.nanoTime() - started) / 1_000_000_000);
  }

  private StockCli cli(String db, Path changelog) {
    return new StockCli(pg, db, changelog, WorkloadChangelog.MASTER);
  }

  /** Reads the CLI's output away in the background, so a full pipe never stalls it. */
  private static Thread drained(Process process) {
    Thread drain = new Thread(() -> {
      try {
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      } catch (java.io.IOException e) {
        // The process was killed.
      }
    });
    drain.start();
    return drain;
  }

  private static String firstLine(String output, String containing) {
    return output.lines().filter(l -> l.contains(containing)).findFirst().orElse("").strip();
  }
}
