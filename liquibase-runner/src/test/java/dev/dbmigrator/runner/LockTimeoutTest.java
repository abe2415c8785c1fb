package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.LockRetriesAccess;
import dev.dbmigrator.runner.migration.LockTimeouts;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.DemoChangelog;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TableHolder;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Transactional changesets run under lock_timeout and are retried when a lock wait times out; the run that
 * cannot get its lock within the retry budget fails LOCK_CONTENDED naming the blocker, and a non-transactional
 * changeset runs without lock_timeout. Each test starts from a database migrated by the project's changelog,
 * with an application session holding a transaction open on demo.users.
 */
class LockTimeoutTest {
  /** A literal of the application's query: it must never reach a result, a message or a log of the runner. */
  private static final String LITERAL = "customer-4711@example.com";
  private static final String HOLD_READ = "SELECT count(*) FROM demo.users WHERE email = '" + LITERAL + "'";
  private static final String ALTER_USERS = """
        - changeSet:
            id: 003-users-nickname
            author: test
            changes:
              - createTable: { schemaName: demo, tableName: audit_marker, columns: [ { column: { name: id, type: int } } ] }
              - addColumn: { schemaName: demo, tableName: users, columns: [ { column: { name: nickname, type: VARCHAR(100) } } ] }
      """;
  private static final String CHANGESET = "changes/003-test.yaml::003-users-nickname::test";

  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aBlockedAlterTimesOutIsRetriedAndSucceedsOnceTheBlockerCommits() throws Exception {
    String db = migratedDemo();
    Path changelog = DemoChangelog.withChange("lock-retry", ALTER_USERS);
    MigrationResult result;
    try (TableHolder holder = TableHolder.hold(pg, db, HOLD_READ)) {
      holder.releaseAfter(Duration.ofSeconds(2));
      result = run(changelog, db, new LockTimeouts(Duration.ofMillis(300), Duration.ZERO, Duration.ofSeconds(30)));
    }

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(List.of(CHANGESET), result.applied().changesets());
    assertTrue(result.lockRetries() >= 1, "the first attempts timed out on the lock: " + result.lockRetries());
    assertTrue(result.blockedBy().isEmpty(), "a run that succeeded names no blocker");
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    assertEquals(1, probe.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'demo'"
        + " AND table_name = 'users' AND column_name = 'nickname'"));
    assertEquals(1, probe.count("SELECT count(*) FROM databasechangelog WHERE id = '003-users-nickname'"),
        "one history row, although the changeset ran more than once");
  }

  @Test
  void whenTheRetryBudgetRunsOutTheRunFailsLockContendedNamingTheBlockerButNeverItsQuery() throws Exception {
    String db = migratedDemo();
    Path changelog = DemoChangelog.withChange("lock-contended", ALTER_USERS);
    MigrationResult result;
    int holderPid;
    try (TableHolder holder = TableHolder.hold(pg, db, HOLD_READ)) {
      holderPid = holder.pid();
      result = run(changelog, db, new LockTimeouts(Duration.ofMillis(400), Duration.ZERO, Duration.ofSeconds(2)));
    }

    String json = ResultJson.toJson(result);
    ResultSchema.assertValid(json);
    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.LOCK_CONTENDED, result.reason());
    assertEquals(CHANGESET, result.failedChangeset());
    assertTrue(result.lockRetries() >= 1, "it retried within the budget: " + result.lockRetries());
    assertEquals(1, result.blockedBy().size(), json);
    MigrationResult.BlockerInfo blocker = result.blockedBy().get(0);
    assertEquals(holderPid, blocker.pid());
    assertEquals(TableHolder.APPLICATION_NAME, blocker.applicationName());
    assertEquals("idle in transaction", blocker.state());
    assertTrue(blocker.transactionAgeMs() >= 400, "its transaction was open at least one lock wait long");
    assertTrue(result.message().contains("pid " + holderPid + " (application_name 'orders-api', state 'idle in"
        + " transaction', transaction open "), result.message());
    assertFalse(json.contains(LITERAL), "the blocker's query literal never reaches the result");
    assertFalse(json.toLowerCase().contains("select"), "nor does its query text");
    assertEquals(List.of(CHANGESET), result.pending().changesets());

    DatabaseProbe probe = new DatabaseProbe(pg, db);
    assertEquals(0, probe.count("SELECT count(*) FROM pg_class WHERE relname = 'audit_marker'"),
        "the changeset's first change, which needed no contended lock, was rolled back with the second");
    assertEquals(0, probe.count("SELECT count(*) FROM databasechangelog WHERE id = '003-users-nickname'"),
        "and so was its history row: the changeset is still pending, whole");
    assertEquals(0, probe.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND application_name = 'db-migrator'"), "the run closed its sessions, the blocker sampler's included");
  }

  @Test
  void theRetriesNeverReachIntoTheInvocationsTimeReserve() throws Exception {
    String db = migratedDemo();
    Path changelog = DemoChangelog.withChange("lock-time-budget", ALTER_USERS);
    // 62 s left with a reserve of 60 s: room for the first attempt's 1 s lock wait, not for a pause and another.
    long end = System.nanoTime() + Duration.ofSeconds(62).toNanos();
    MigrationResult result;
    try (TableHolder holder = TableHolder.hold(pg, db, HOLD_READ)) {
      result = new RunnerFixture().runner(changelog, pg.secretJson(db))
          .withLockTimeouts(new LockTimeouts(Duration.ofSeconds(1), Duration.ZERO, Duration.ofMinutes(2)))
          .withTimeReserve(Duration.ofSeconds(60))
          .run(RunnerFixture.updateComplete(), () -> Duration.ofNanos(end - System.nanoTime()));
    }

    assertEquals(Reason.LOCK_CONTENDED, result.reason(), result.message());
    assertEquals(0, result.lockRetries());
    assertTrue(result.message().contains("the invocation's time budget leaves no room for another attempt"),
        result.message());
    assertTrue(result.durationMs() < 10_000, "it stopped at once instead of spending the 2 min retry budget");
  }

  @Test
  void thePausesBetweenAttemptsGrowFromOneSecondToTenWithJitter() {
    for (int i = 0; i < 200; i++) {
      assertBetween(500, 1000, LockRetriesAccess.pause(0));
      assertBetween(1000, 2000, LockRetriesAccess.pause(1));
      assertBetween(4000, 8000, LockRetriesAccess.pause(3));
      assertBetween(5000, 10_000, LockRetriesAccess.pause(30));
    }
    assertTrue(java.util.stream.IntStream.range(0, 50).mapToObj(i -> LockRetriesAccess.pause(4)).distinct().count()
        > 1, "the pauses are drawn, not fixed");
  }

  private static void assertBetween(long lowMs, long highMs, Duration pause) {
    assertTrue(pause.toMillis() >= lowMs && pause.toMillis() <= highMs, pause + " not in [" + lowMs + ", " + highMs
        + "] ms");
  }

  @Test
  void aConcurrentIndexBuildRunsWithoutLockTimeoutWaitsOutAWriterAndNeverBlocksTheApplication() throws Exception {
    String db = migratedDemo();
    Path changelog = DemoChangelog.withChange("lock-concurrent-index", """
        - changeSet:
            id: 003-users-name-index
            author: test
            runInTransaction: false
            changes:
              - sql: CREATE INDEX CONCURRENTLY users_name_idx ON demo.users (name)
      """);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    MigrationResult result;
    // A writer's open transaction: a concurrent build must wait for it, which a 200 ms lock_timeout would cut off.
    try (TableHolder writer = TableHolder.hold(pg, db,
        "INSERT INTO demo.users (name, email) VALUES ('held', 'held@example.com')")) {
      Future<MigrationResult> running = pool.submit(() -> run(changelog, db,
          new LockTimeouts(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(30))));
      DatabaseProbe probe = new DatabaseProbe(pg, db);
      probe.await("the index build waiting for the writer", Duration.ofSeconds(30), "SELECT count(*) FROM"
          + " pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'CREATE INDEX CONCURRENTLY%'");
      Thread.sleep(1000);  // five lock timeouts
      try (Connection application = pg.connect(db); Statement read = application.createStatement()) {
        read.execute("SET statement_timeout = '2s'");
        read.execute("SELECT count(*) FROM demo.users");
        read.execute("INSERT INTO demo.users (name, email) VALUES ('live', 'live@example.com')");
      }
      assertFalse(running.isDone(), "the build still waits for the writer, with no lock_timeout to cut it off");
      writer.release();
      result = running.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(List.of("changes/003-test.yaml::003-users-name-index::test"), result.applied().changesets());
    assertEquals(0, result.lockRetries());
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    assertEquals(1, probe.count("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        + " WHERE c.relname = 'users_name_idx' AND i.indisvalid"));
  }

  @Test
  void aStatementTimeoutFailsALongTransactionalChangesetWithoutRetryingIt() throws Exception {
    String db = migratedDemo();
    Path changelog = DemoChangelog.withChange("statement-timeout", """
        - changeSet:
            id: 003-slow-backfill
            author: test
            changes:
              - sql: SELECT pg_sleep(5)
      """);
    MigrationResult result = run(changelog, db,
        new LockTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30)));

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.CHANGESET_FAILED, result.reason());
    assertTrue(result.message().contains("statement timeout"), result.message());
    assertEquals(0, result.lockRetries(), "only a lock timeout is retried");
  }

  @Test
  void theSettingsComeFromTheEnvironmentAndTheLocalOptions() {
    LockTimeouts env = RunnerConfigAccess.lockTimeouts(java.util.Map.of("LOCK_TIMEOUT_SECONDS", "0.25",
        "STATEMENT_TIMEOUT_SECONDS", "600", "LOCK_RETRY_BUDGET_SECONDS", "30"));
    assertEquals(new LockTimeouts(Duration.ofMillis(250), Duration.ofMinutes(10), Duration.ofSeconds(30)), env);
    assertEquals(LockTimeouts.DEFAULT, RunnerConfigAccess.lockTimeouts(java.util.Map.of()));
    assertEquals(Duration.ZERO, RunnerConfigAccess.lockTimeouts(java.util.Map.of("LOCK_TIMEOUT_SECONDS", "0"))
        .lockTimeout());
    IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RunnerConfigAccess.lockTimeouts(java.util.Map.of("LOCK_TIMEOUT_SECONDS", "-1")));
    assertTrue(bad.getMessage().startsWith("LOCK_TIMEOUT_SECONDS must be a number of seconds"), bad.getMessage());
    assertNull(LockTimeouts.seconds("x", " ", null));
  }

  private MigrationResult run(Path changelog, String db, LockTimeouts timeouts) throws Exception {
    return new RunnerFixture().runner(changelog, pg.secretJson(db)).withLockTimeouts(timeouts)
        .run(RunnerFixture.updateComplete());
  }

  private String migratedDemo() throws Exception {
    String db = pg.createDatabase();
    MigrationResult first = new RunnerFixture().runner(RepoPaths.changelog(), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, first.status(), first.message());
    new DatabaseProbe(pg, db).execute("INSERT INTO demo.users (name, email) VALUES ('ada', 'ada@example.com')");
    return db;
  }
}
