package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.LockTimeouts;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.ApplicationLoad;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.DemoChangelog;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TableHolder;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the application sees while a migration alters a table that another transaction holds: the lock queue.
 * A session keeps a transaction open on demo.users for 20 s; 1 s in, the migration runs {@code ALTER TABLE
 * demo.users ADD COLUMN}; an application reads demo.users every 50 ms from a pool of its own. Without
 * lock_timeout the ALTER queues behind the blocker and every read queues behind the ALTER until the blocker
 * ends. With it, a read waits at most about one lock_timeout, and the migration succeeds after the blocker ends.
 * The figures go to docs/reliability.md; the assertion is the bound, not a time of this machine.
 */
class LiveTrafficLatencyTest {
  private static final Duration HOLD = Duration.ofSeconds(20);
  private static final Duration MIGRATION_STARTS_AFTER = Duration.ofSeconds(1);
  /** Room for a loaded 2-core machine: scheduling, the JDBC round trip and a retry's own statements. */
  private static final Duration MARGIN = Duration.ofMillis(2500);
  private static final String ALTER_USERS = """
        - changeSet:
            id: 003-users-nickname
            author: test
            changes:
              - addColumn: { schemaName: demo, tableName: users, columns: [ { column: { name: nickname, type: VARCHAR(100) } } ] }
      """;

  private final TestPostgres pg = TestPostgres.get();

  @Test
  void withoutLockTimeoutTheApplicationStallsForAsLongAsTheBlockerLives() throws Exception {
    Scenario off = scenario(LockTimeouts.OFF);

    assertEquals(Status.SUCCEEDED, off.result.status(), off.result.message());
    assertEquals(0, off.result.lockRetries());
    assertTrue(off.maxLatencyMs > LockTimeouts.DEFAULT_LOCK_TIMEOUT.plus(MARGIN).toMillis(),
        "the old behaviour: the reads queued behind the ALTER, which waited for the blocker: " + off);
  }

  @Test
  void withLockTimeoutTheApplicationWaitsAtMostAboutOneLockTimeoutAndTheMigrationSucceedsAfterTheBlocker()
      throws Exception {
    Scenario on = scenario(LockTimeouts.DEFAULT);

    assertEquals(Status.SUCCEEDED, on.result.status(), on.result.message());
    assertTrue(on.result.lockRetries() >= 1, "the ALTER timed out while the blocker lived: " + on);
    assertTrue(on.maxLatencyMs < LockTimeouts.DEFAULT_LOCK_TIMEOUT.plus(MARGIN).toMillis(),
        "no read waited longer than one lock_timeout plus the margin: " + on);
  }

  private record Scenario(String mode, MigrationResult result, long maxLatencyMs, int queries, int slowQueries,
      int errors, long migrationMs) {
    @Override
    public String toString() {
      return String.format("live traffic, lock_timeout %s: application max latency %d ms, %d reads, %d over 1 s,"
              + " %d errors; migration %s after %d ms with %d lock retries", mode, maxLatencyMs, queries,
          slowQueries, errors, result.status(), migrationMs, result.lockRetries());
    }
  }

  private Scenario scenario(LockTimeouts timeouts) throws Exception {
    String db = pg.createDatabase();
    MigrationResult first = new RunnerFixture().runner(RepoPaths.changelog(), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, first.status(), first.message());
    new DatabaseProbe(pg, db).execute("INSERT INTO demo.users (name, email) SELECT 'user ' || i,"
        + " 'user' || i || '@example.com' FROM generate_series(1, 1000) AS i");
    Path changelog = DemoChangelog.withChange("live-traffic", ALTER_USERS);

    MigrationResult result;
    long migrationMs;
    ApplicationLoad load;
    try (TableHolder holder = TableHolder.hold(pg, db, "SELECT count(*) FROM demo.users")) {
      holder.releaseAfter(HOLD);
      load = new ApplicationLoad(pg, db, "SELECT id, name FROM demo.users WHERE id = 42", 16, 50);
      try (load) {
        Thread.sleep(MIGRATION_STARTS_AFTER.toMillis());
        long started = System.nanoTime();
        result = new RunnerFixture().runner(changelog, pg.secretJson(db)).withLockTimeouts(timeouts)
            .run(RunnerFixture.updateComplete());
        migrationMs = (System.nanoTime() - started) / 1_000_000;
        Thread.sleep(1000);
      }
    }
    Scenario scenario = new Scenario(timeouts.enabled() ? timeouts.lockTimeout().toSeconds() + " s" : "off",
        result, load.maxLatencyMs(), load.queries(), load.slowQueries(), load.errors(), migrationMs);
    System.out.println(scenario);
    assertEquals(0, scenario.errors, "no read failed: " + scenario);
    return scenario;
  }
}
