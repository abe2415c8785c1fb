package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.ChangelogLockRow;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.SchemaSnapshot;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runner and the stock Liquibase CLI started together on the same changelog and database, round after round:
 * whichever gets DATABASECHANGELOGLOCK first applies the changelog, the other waits and finds nothing to do.
 * The runner starts when the CLI's first session connects, after a delay that differs from round to round, so
 * the two race for the lock in both orders.
 *
 * <p>By default each database already holds the history of the changelog's first release, as a database that
 * both an application and CI deploy to does. {@code -Dcoexist.fresh=true} starts from empty databases instead:
 * then the stock CLI can lose the race to create DATABASECHANGELOG, which its history service does not retry
 * (StandardChangeLogHistoryService.init, unlike StandardLockService.init); such rounds are counted, and the
 * runner must still succeed in them. {@code -Dcoexist.rounds=N} runs more rounds (npm run test:coexistence).
 */
class CoexistenceTest {
  private static final int ROUNDS = Integer.getInteger("coexist.rounds", 5);
  private static final boolean FRESH = Boolean.getBoolean("coexist.fresh");
  private static final long[] RUNNER_DELAYS_MS = {0, 1_500, 3_000, 4_500, 6_000};
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void theRunnerAndTheStockCliStartedTogetherApplyEachChangesetOnce() throws Exception {
    String clean = pg.createDatabase();
    ForeignLockTest.setSleep(clean, 2);
    releaseOne(clean);
    MigrationResult alone = ForeignLockTest.runner(new RunnerFixture(), clean, Duration.ofSeconds(60))
        .run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, alone.status(), alone.message());
    SchemaSnapshot cleanRun = snapshot(clean);

    int runnerFirst = 0;
    int stockFirst = 0;
    int overlapping = 0;
    int stockLostCreateRace = 0;
    int pending = FRESH ? 3 : 2;
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        String db = pg.createDatabase();
        ForeignLockTest.setSleep(db, 2);
        releaseOne(db);
        long delay = RUNNER_DELAYS_MS[(round - 1) % RUNNER_DELAYS_MS.length];
        Overlap overlap = new Overlap(db);
        Thread watcher = new Thread(overlap, "overlap-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Process stock = new StockCli(pg, db, ForeignLockTest.CHANGELOG, "db.changelog-master.yaml").start("update");
        awaitStockConnected(db);
        Future<MigrationResult> running = pool.submit(() -> {
          Thread.sleep(delay);
          return ForeignLockTest.runner(new RunnerFixture(), db, Duration.ofSeconds(60))
              .run(RunnerFixture.updateComplete());
        });
        String stockOutput = new String(stock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(stock.waitFor(3, TimeUnit.MINUTES));
        MigrationResult runner = running.get(3, TimeUnit.MINUTES);
        overlap.stop = true;
        watcher.join();

        System.out.printf("coexistence round %d (runner started %d ms after the CLI connected): runner %s applied %d,"
            + " stock CLI exit %d; stock waited on the runner's row: %b, runner waited on the stock's row: %b%n",
            round, delay, runner.status(), runner.applied().count(), stock.exitValue(), overlap.stockWaited,
            overlap.runnerWaited);
        overlapping += overlap.stockWaited || overlap.runnerWaited ? 1 : 0;
        if (FRESH && stock.exitValue() != 0 && lostCreateRace(stockOutput)) {
          stockLostCreateRace++;
          assertEquals(pending, runner.applied().count(), "round " + round + ": the runner applied it all");
        } else {
          assertEquals(0, stock.exitValue(), "round " + round + ": " + stockOutput);
        }
        assertEquals(Status.SUCCEEDED, runner.status(), "round " + round + ": " + runner.message());
        assertTrue(runner.applied().count() == 0 || runner.applied().count() == pending,
            "one client applied the whole changelog: " + runner.applied());
        if (runner.applied().count() == pending) {
          runnerFirst++;
        } else {
          stockFirst++;
        }
        assertEquals(3, ForeignLockTest.count(db, "SELECT count(DISTINCT (id, author, filename)) FROM databasechangelog"));
        SchemaSnapshot after = snapshot(db);
        assertEquals(cleanRun.schema(), after.schema(), "round " + round);
        assertEquals(cleanRun.history(), after.history(), "round " + round + ": each changeset recorded once");
        assertEquals(0, ForeignLockTest.count(db, "SELECT count(*) FROM databasechangeloglock WHERE locked"));
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf("coexistence (%s): %d rounds, runner applied first in %d, stock CLI in %d, one waited on the"
        + " other in %d; runner SUCCEEDED in all, stock CLI lost the DATABASECHANGELOG creation race in %d%n",
        FRESH ? "empty databases" : "databases with a first release", ROUNDS, runnerFirst, stockFirst, overlapping,
        stockLostCreateRace);
    assertTrue(overlapping > 0, "the two clients did run at the same time");
  }

  /** Watches one round for either client waiting on the other's hold of DATABASECHANGELOGLOCK. */
  private static final class Overlap implements Runnable {
    private final String db;
    volatile boolean stop;
    volatile boolean stockWaited;
    volatile boolean runnerWaited;

    Overlap(String db) {
      this.db = db;
    }

    @Override
    public void run() {
      while (!stop) {
        try {
          stockWaited |= ForeignLockTest.count(db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
              + " AND query ILIKE 'UPDATE%databasechangeloglock%'") > 0;
          runnerWaited |= ForeignLockTest.count(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
              + ChangelogLockRow.APPLICATION_NAME + "' AND EXISTS (SELECT FROM pg_class WHERE relname ="
              + " 'databasechangeloglock') AND (SELECT bool_or(locked) FROM databasechangeloglock)") > 0;
        } catch (Exception e) {
          // The lock table may not exist yet, or be created right now: look again.
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The two ways PostgreSQL refuses a CREATE TABLE that a concurrent session has just made. */
  private static boolean lostCreateRace(String stockOutput) {
    return stockOutput.contains("pg_type_typname_nsp_index")
        || stockOutput.contains("relation \"databasechangelog\" already exists");
  }

  /** The changelog's first release, applied by the runner alone: the history both clients continue. */
  private static void releaseOne(String db) throws Exception {
    if (FRESH) {
      return;
    }
    MigrationResult first = new RunnerFixture().runner(RepoPaths.testChangelog("coexist-v1"),
        TestPostgres.get().secretJson(db)).run(RunnerFixture.updateComplete());
    assertEquals(1, first.applied().count(), first.message());
  }

  private static void awaitStockConnected(String db) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (ForeignLockTest.count(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND application_name = '" + StockCli.APPLICATION_NAME + "'") == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the stock CLI never connected");
      }
      Thread.sleep(20);
    }
  }

  private SchemaSnapshot snapshot(String db) throws Exception {
    try (Connection c = pg.connect(db)) {
      return SchemaSnapshot.of(c);
    }
  }
}
