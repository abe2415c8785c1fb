package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The migration lock is a session advisory lock: it serialises runs and cannot outlive its process. */
class LockingTest {
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aRunnerKilledMidChangesetLeavesNoHalfChangesetAndNoLock() throws Exception {
    String db = pg.createDatabase();
    setSleep(db, "60");
    Path resultFile = Path.of("target", "kill-test-" + db + ".json");
    ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.dbmigrator.runner.local.LocalMain",
        "--event", RepoPaths.fixture("stack-update-complete.captured.json").toString(),
        "--watched", RunnerFixture.WATCHED_STACK_ID,
        "--changelog", RepoPaths.testChangelog("slow").toString(),
        "--result-file", resultFile.toString(), "--ssl-mode", "disable")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    launch.environment().put("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db));
    Process runner = launch.start();
    awaitSleepingChangeset(db);

    runner.destroyForcibly().waitFor();  // SIGKILL: no shutdown hook, no finally block runs
    long killedAt = System.nanoTime();
    long lockGoneMs = awaitNoAdvisoryLock(db, Duration.ofSeconds(30));
    setSleep(db, null);
    MigrationResult next = new RunnerFixture().runner(RepoPaths.testChangelog("slow"), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());
    long nextDoneMs = (System.nanoTime() - killedAt) / 1_000_000;

    System.out.printf("kill -9 mid-changeset: lock freed after %d ms, next run %s after %d ms%n",
        lockGoneMs, next.status(), nextDoneMs);
    assertEquals(Status.SUCCEEDED, next.status(), next.message());
    assertEquals(List.of("changes/002-slow.yaml::002-slow::test"), next.applied().changesets(),
        "the killed changeset was rolled back whole, so it runs again");
    assertTrue(nextDoneMs < 15_000, "the next run succeeds within seconds, not after a 5-minute lock wait");
    assertEquals(2, count(db, "SELECT count(*) FROM databasechangelog"));
    assertEquals(0, count(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
  }

  @Test
  void aBackendKilledByTheServerMidMigrationLeavesNoHalfChangesetAndTheNextRunCompletes() throws Exception {
    String db = pg.createDatabase();
    setSleep(db, "30");
    RunnerFixture fixture = new RunnerFixture();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<MigrationResult> running = pool.submit(() -> fixture.runner(RepoPaths.testChangelog("slow"),
          pg.secretJson(db)).run(RunnerFixture.updateComplete()));
      awaitSleepingChangeset(db);
      assertEquals(1, count(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
          + " WHERE application_name = 'db-migrator' AND query LIKE '%pg_sleep%'"));

      MigrationResult killed = running.get();

      assertEquals(Status.FAILED, killed.status());
      assertEquals(1, fixture.store.values.size(), "the failure is recorded");
      assertEquals(0, count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'half'"), "no half changeset");
      assertEquals(1, count(db, "SELECT count(*) FROM databasechangelog"));
    } finally {
      pool.shutdownNow();
    }
    setSleep(db, null);
    MigrationResult next = fixture.runner(RepoPaths.testChangelog("slow"), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, next.status(), next.message());
    assertEquals(2, count(db, "SELECT count(*) FROM databasechangelog"));
  }

  @Test
  void tenConcurrentRunsApplyEachChangesetOnce() throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Future<MigrationResult>> runs = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        runs.add(pool.submit(() -> fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
            .run(RunnerFixture.updateComplete())));
      }
      int applied = 0;
      for (Future<MigrationResult> run : runs) {
        MigrationResult result = run.get();
        assertEquals(Status.SUCCEEDED, result.status(), result.message());
        applied += result.applied().count();
      }
      assertEquals(2, applied, "each changeset applied exactly once across the ten runs");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, count(db, "SELECT count(*) FROM databasechangelog"));
    assertEquals(10, fixture.store.values.size(), "every run has its record");
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void aRunThatCannotGetTheLockIsSkippedNamingTheHolder() throws Exception {
    String db = pg.createDatabase();
    try (Connection holder = pg.connect(db); Statement s = holder.createStatement()) {
      s.execute("SET application_name = 'someone-else'");
      s.execute("SELECT pg_advisory_lock(" + 0x64626d67L + ")");
      RunnerFixture fixture = new RunnerFixture();
      MigrationRunner runner = new MigrationRunner(
          new dev.dbmigrator.runner.trigger.TriggerParser(
              dev.dbmigrator.runner.trigger.WatchedStacks.parse(RunnerFixture.WATCHED_STACK_ID)),
          fixture.gate,
          () -> dev.dbmigrator.runner.secret.DatabaseSecret.fromJson(pg.secretJson(db)),
          new dev.dbmigrator.runner.database.DatabaseConnector("disable", Duration.ofSeconds(10)),
          new dev.dbmigrator.runner.migration.ChangelogFolder(RepoPaths.changelog()),
          new dev.dbmigrator.runner.recording.ResultRecorder(fixture.store, fixture.events),
          Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofSeconds(5));

      MigrationResult result = runner.run(RunnerFixture.updateComplete());

      assertEquals(Status.SKIPPED, result.status());
      assertEquals(Reason.LOCK_TIMEOUT, result.reason());
      assertTrue(result.message().contains("application_name 'someone-else'"), result.message());
      assertTrue(result.message().matches(".*held by pid \\d+.*connected since \\d{4}-.*"), result.message());
      assertEquals(0, count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'demo'"));
      assertEquals(1, fixture.store.values.size());
    }
  }

  @Test
  void aStaleLiquibaseLockRowIsWaitedForThenReportedAsForeignLock() throws Exception {
    String db = pg.createDatabase();
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE databasechangeloglock (id int PRIMARY KEY, locked boolean NOT NULL,"
          + " lockgranted timestamp, lockedby varchar(255))");
      s.execute("INSERT INTO databasechangeloglock VALUES (1, true, now() - interval '1 day', 'killed-cli (10.0.0.1)')");
    }
    RunnerFixture fixture = new RunnerFixture();
    MigrationRunner runner = new MigrationRunner(
        new dev.dbmigrator.runner.trigger.TriggerParser(
            dev.dbmigrator.runner.trigger.WatchedStacks.parse(RunnerFixture.WATCHED_STACK_ID)),
        fixture.gate,
        () -> dev.dbmigrator.runner.secret.DatabaseSecret.fromJson(pg.secretJson(db)),
        new dev.dbmigrator.runner.database.DatabaseConnector("disable", Duration.ofSeconds(10)),
        new dev.dbmigrator.runner.migration.ChangelogFolder(RepoPaths.changelog()),
        new dev.dbmigrator.runner.recording.ResultRecorder(fixture.store, fixture.events),
        Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofSeconds(5));

    MigrationResult result = runner.run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status(), "never ignored, never a silent skip");
    assertEquals(Reason.FOREIGN_LOCK, result.reason());
    assertTrue(result.message().contains("killed-cli (10.0.0.1)"), result.message());
    assertTrue(result.message().contains("liquibase release-locks"), result.message());
    assertTrue(result.durationMs() >= 2_000, "waited for within the budget");
    assertEquals(0, count(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'demo'"), "nothing applied");

    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("UPDATE databasechangeloglock SET locked = false, lockgranted = null, lockedby = null");  // release-locks
    }
    MigrationResult released = runner.run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, released.status(), released.message());
    assertEquals(2, released.applied().count());
    assertFalse(released.durationMs() > 10_000, "no wait once the row is free");
  }

  private void awaitSleepingChangeset(String db) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (count(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'db-migrator'"
        + " AND state = 'active' AND query LIKE '%pg_sleep%'") == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the runner never reached the slow changeset");
      }
      Thread.sleep(100);
    }
  }

  private long awaitNoAdvisoryLock(String db, Duration limit) throws Exception {
    long start = System.nanoTime();
    while (count(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") > 0) {
      if (System.nanoTime() - start > limit.toNanos()) {
        throw new AssertionError("the advisory lock outlived its process by " + limit.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private void setSleep(String db, String seconds) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(seconds == null
          ? "ALTER DATABASE " + db + " RESET dbmigrator.test_sleep_seconds"
          : "ALTER DATABASE " + db + " SET dbmigrator.test_sleep_seconds = '" + seconds + "'");
    }
  }

  private int count(String db, String sql) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
