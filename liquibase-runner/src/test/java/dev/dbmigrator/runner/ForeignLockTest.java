package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.ChangelogLockRow;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.StockCli;
import dev.dbmigrator.runner.support.TestPostgres;
import dev.dbmigrator.runner.trigger.TriggerParser;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner and other Liquibase clients, which lock with DATABASECHANGELOGLOCK: the stock 4.33.0 CLI, as a
 * child JVM, stands for them all (a Spring Boot application runs the same lock service).
 */
class ForeignLockTest {
  static final Path CHANGELOG = RepoPaths.testChangelog("coexist");
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aRowLeftLockedByACrashedClientEndsFailedForeignLockNamingItAndAppliesNothing() throws Exception {
    String db = pg.createDatabase();
    sql(db, "CREATE TABLE public.databasechangeloglock (id INTEGER NOT NULL, locked BOOLEAN NOT NULL,"
        + " lockgranted TIMESTAMP WITHOUT TIME ZONE, lockedby VARCHAR(255),"
        + " CONSTRAINT databasechangeloglock_pkey PRIMARY KEY (id))");
    sql(db, "INSERT INTO databasechangeloglock VALUES (1, TRUE, '2026-11-28 09:15:02.123', 'ci-runner-7 (10.0.3.17)')");
    RunnerFixture fixture = new RunnerFixture();

    long start = System.nanoTime();
    MigrationResult result = runner(fixture, db, Duration.ofSeconds(3)).run(RunnerFixture.updateComplete());
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    System.out.println("FOREIGN_LOCK result: " + ResultJson.toJson(result));
    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.FOREIGN_LOCK, result.reason());
    assertTrue(result.message().contains("LOCKEDBY 'ci-runner-7 (10.0.3.17)'"), result.message());
    assertTrue(result.message().contains("LOCKGRANTED 2026-11-28 09:15:02.123"), result.message());
    assertTrue(result.message().contains("liquibase release-locks"), result.message());
    assertTrue(tookMs >= 3_000, "the row was waited for within the budget: " + tookMs + " ms");
    assertEquals(0, result.applied().count());
    assertEquals(0, count(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'shop'"), "nothing applied");
    assertEquals(1, count(db, "SELECT count(*) FROM databasechangeloglock WHERE locked"), "the row is left alone");
    assertEquals(1, fixture.store.values.size());
    fixture.store.values.forEach(ResultSchema::assertValid);
    assertNoLockSessionLeft(db);
  }

  @Test
  void aLiveStockCliHoldingTheLockThroughASlowChangesetIsWaitedForThenReported() throws Exception {
    String db = pg.createDatabase();
    setSleep(db, 20);
    Process stock = new StockCli(pg, db, CHANGELOG, "db.changelog-master.yaml").start("update");
    try {
      awaitStockInsideSlowChangeset(db);
      RunnerFixture fixture = new RunnerFixture();

      MigrationResult result = runner(fixture, db, Duration.ofSeconds(3)).run(RunnerFixture.updateComplete());

      assertEquals(Status.FAILED, result.status());
      assertEquals(Reason.FOREIGN_LOCK, result.reason(), result.message());
      System.out.println("FOREIGN_LOCK with a live stock CLI after " + result.durationMs() + " ms: " + result.message());
      assertTrue(result.message().matches(".*LOCKEDBY '.+', LOCKGRANTED \\d{4}-\\d\\d-\\d\\d .*"), result.message());
      assertEquals(0, result.applied().count());
      assertNoLockSessionLeft(db);
    } finally {
      stock.destroyForcibly().waitFor();
    }
  }

  @Test
  void aRunStartedWhileTheStockCliMigratesWaitsForItAndFindsNothingLeftToDo() throws Exception {
    String db = pg.createDatabase();
    setSleep(db, 4);
    Process stock = new StockCli(pg, db, CHANGELOG, "db.changelog-master.yaml").start("update");
    awaitStockInsideSlowChangeset(db);

    MigrationResult result = runner(new RunnerFixture(), db, Duration.ofSeconds(60)).run(RunnerFixture.updateComplete());

    assertTrue(stock.waitFor(2, TimeUnit.MINUTES));
    String stockOutput = new String(stock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, stock.exitValue(), stockOutput);
    System.out.println("runner started while the stock CLI migrated: " + result.status() + " after "
        + result.durationMs() + " ms, applied " + result.applied().count());
    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(0, result.applied().count(), "the stock CLI applied everything while the runner waited");
    assertEquals(3, count(db, "SELECT count(*) FROM databasechangelog"));
    assertEquals(0, count(db, "SELECT count(*) FROM databasechangeloglock WHERE locked"));
  }

  @Test
  void aRunnerKilledWhileHoldingTheRowLeavesItFreeAndAWaitingStockCliProceeds() throws Exception {
    String db = pg.createDatabase();
    setSleep(db, 120);
    Path resultFile = Path.of("target", "foreign-lock-kill-" + db + ".json");
    ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.dbmigrator.runner.local.LocalMain",
        "--event", RepoPaths.fixture("stack-update-complete.captured.json").toString(),
        "--watched", RunnerFixture.WATCHED_STACK_ID,
        "--changelog", CHANGELOG.toString(),
        "--result-file", resultFile.toString(), "--ssl-mode", "disable")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    launch.environment().put("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db));
    Process runner = launch.start();
    Process stock = null;
    try {
      awaitActivity(db, "application_name = 'db-migrator' AND state = 'active' AND query LIKE '%pg_sleep%'");
      assertEquals(1, count(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
          + ChangelogLockRow.APPLICATION_NAME + "' AND state = 'idle in transaction'"), "the row is held");
      stock = new StockCli(pg, db, CHANGELOG, "db.changelog-master.yaml").start("update");
      // The stock CLI saw LOCKED = false and now waits on the row in its UPDATE ... WHERE LOCKED = FALSE.
      awaitActivity(db, "wait_event_type = 'Lock' AND query ILIKE 'UPDATE%databasechangeloglock%'");
      setSleep(db, 0);

      runner.destroyForcibly().waitFor();  // SIGKILL: no finally block of the runner runs
      long killedAt = System.nanoTime();

      assertTrue(stock.waitFor(2, TimeUnit.MINUTES), "the stock CLI went through once the runner died");
      String output = new String(stock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      System.out.printf("runner killed while holding DATABASECHANGELOGLOCK: the waiting stock CLI finished %d ms"
          + " after the kill, exit %d%n", (System.nanoTime() - killedAt) / 1_000_000, stock.exitValue());
      assertEquals(0, stock.exitValue(), output);
    } finally {
      runner.destroyForcibly().waitFor();
      if (stock != null) {
        stock.destroyForcibly().waitFor();
      }
    }
    assertEquals(3, count(db, "SELECT count(*) FROM databasechangelog"), "the stock CLI applied the changelog");
    assertEquals(3, count(db, "SELECT count(DISTINCT (id, author, filename)) FROM databasechangelog"));
    assertEquals(0, count(db, "SELECT count(*) FROM databasechangeloglock WHERE locked"));
  }

  @Test
  void aDryRunNeitherCreatesNorWaitsForTheLockTable() throws Exception {
    String fresh = pg.createDatabase();
    MigrationResult planned = runner(new RunnerFixture(), fresh, Duration.ofSeconds(3))
        .run(RunnerFixture.replay("cf-event-testing", true));
    assertEquals(Status.PLANNED, planned.status(), planned.message());
    assertEquals(0, count(fresh, "SELECT count(*) FROM pg_class WHERE relname LIKE 'databasechangelog%'"),
        "a dry run writes nothing");

    String locked = pg.createDatabase();
    sql(locked, "CREATE TABLE public.databasechangeloglock (id INTEGER NOT NULL PRIMARY KEY, locked BOOLEAN NOT NULL,"
        + " lockgranted TIMESTAMP WITHOUT TIME ZONE, lockedby VARCHAR(255))");
    sql(locked, "INSERT INTO databasechangeloglock VALUES (1, TRUE, now(), 'someone (10.0.0.9)')");
    MigrationResult plannedOverLock = runner(new RunnerFixture(), locked, Duration.ofSeconds(3))
        .run(RunnerFixture.replay("cf-event-testing", true));
    assertEquals(Status.PLANNED, plannedOverLock.status(), plannedOverLock.message());
    assertEquals(3, plannedOverLock.pending().count());
  }

  @Test
  void theTablesTheRunnerCreatesAreTheOnesTheStockCliCreates() throws Exception {
    String byRunner = pg.createDatabase();
    String byStock = pg.createDatabase();
    setSleep(byRunner, 0);
    setSleep(byStock, 0);
    assertEquals(Status.SUCCEEDED, runner(new RunnerFixture(), byRunner, Duration.ofSeconds(10))
        .run(RunnerFixture.updateComplete()).status());
    StockCli.Outcome stock = new StockCli(pg, byStock, CHANGELOG, "db.changelog-master.yaml").run("update");
    assertTrue(stock.succeeded(), stock.output());
    for (String table : new String[] {"public.databasechangelog", "public.databasechangeloglock"}) {
      String shape = """
          SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull, ', '
                            ORDER BY a.attnum)
                 || ' / ' || coalesce((SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ', ')
                                         FROM pg_constraint WHERE conrelid = '%1$s'::regclass), 'no constraint')
            FROM pg_attribute a WHERE a.attrelid = '%1$s'::regclass AND a.attnum > 0""".formatted(table);
      assertEquals(text(byStock, shape), text(byRunner, shape), table);
    }
    String row = "SELECT string_agg(id || ' ' || locked || ' ' || coalesce(lockedby, '-'), ',')"
        + " FROM public.databasechangeloglock";
    assertEquals(text(byStock, row), text(byRunner, row));
  }

  /**
   * CREATE INDEX CONCURRENTLY waits for every transaction in the database that holds a snapshot. The lock
   * session's transaction stays open for the whole run, so if it kept the snapshot of its locking SELECT, the
   * runner's own concurrent index build would wait on it forever (seen: a run that never ended).
   */
  @Test
  void aConcurrentIndexBuildOfTheRunnersOwnIsNotBlockedByItsLockSession(@TempDir Path changelog) throws Exception {
    java.nio.file.Files.writeString(changelog.resolve("db.changelog-master.yaml"), """
        databaseChangeLog:
          - changeSet:
              id: 1
              author: test
              changes:
                - sql: { sql: "CREATE TABLE orders (id bigint, customer bigint); INSERT INTO orders SELECT g, g % 7 FROM generate_series(1, 1000) g" }
          - changeSet:
              id: 2
              author: test
              runInTransaction: false
              changes:
                - sql: { sql: "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer)" }
        """);
    String db = pg.createDatabase();
    String secret = pg.secretJson(db);
    RunnerFixture fixture = new RunnerFixture();
    MigrationRunner runner = new MigrationRunner(new TriggerParser(WatchedStacks.parse(RunnerFixture.WATCHED_STACK_ID)),
        trigger -> fixture.gate.check(trigger), () -> DatabaseSecret.fromJson(secret),
        new DatabaseConnector("disable", Duration.ofSeconds(10)), new ChangelogFolder(changelog),
        new ResultRecorder(fixture.store, fixture.events), Clock.systemUTC(), Duration.ofSeconds(10),
        Duration.ofSeconds(5));

    MigrationResult result = assertTimeoutPreemptively(Duration.ofSeconds(90),
        () -> runner.run(RunnerFixture.updateComplete()));

    assertEquals(Status.SUCCEEDED, result.status(), result.message());
    assertEquals(2, result.applied().count());
    assertEquals(1, count(db, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        + " WHERE c.relname = 'orders_customer_idx' AND i.indisvalid"), "the index is built and valid");
    assertNoLockSessionLeft(db);
  }

  static MigrationRunner runner(RunnerFixture fixture, String db, Duration lockWaitBudget) {
    String secret = TestPostgres.get().secretJson(db);
    return new MigrationRunner(new TriggerParser(WatchedStacks.parse(RunnerFixture.WATCHED_STACK_ID)),
        trigger -> fixture.gate.check(trigger), () -> DatabaseSecret.fromJson(secret),
        new DatabaseConnector("disable", Duration.ofSeconds(10)), new ChangelogFolder(CHANGELOG),
        new ResultRecorder(fixture.store, fixture.events), Clock.systemUTC(), lockWaitBudget, Duration.ofSeconds(5));
  }

  /** How long the slow changeset of the coexist changelog sleeps, read when it runs. */
  static void setSleep(String db, int seconds) throws SQLException {
    sql(db, "CREATE TABLE IF NOT EXISTS public.sleep_control (seconds int NOT NULL)");
    sql(db, "DELETE FROM public.sleep_control");
    sql(db, "INSERT INTO public.sleep_control VALUES (" + seconds + ")");
  }

  private void awaitStockInsideSlowChangeset(String db) throws Exception {
    awaitActivity(db, "application_name <> 'db-migrator' AND state = 'active' AND query LIKE '%pg_sleep%'");
    assertEquals(1, count(db, "SELECT count(*) FROM databasechangeloglock WHERE locked"), "the stock CLI holds it");
  }

  private void awaitActivity(String db, String condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (count(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND pid <> pg_backend_pid() AND " + condition) == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw a session with " + condition);
      }
      Thread.sleep(100);
    }
  }

  private void assertNoLockSessionLeft(String db) throws Exception {
    assertEquals(0, count(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
        + ChangelogLockRow.APPLICATION_NAME + "'"), "the lock session is closed");
  }

  static void sql(String db, String sql) throws SQLException {
    try (Connection c = TestPostgres.get().connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static int count(String db, String sql) throws SQLException {
    try (Connection c = TestPostgres.get().connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String text(String db, String sql) throws SQLException {
    try (Connection c = TestPostgres.get().connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String value = rs.getString(1);
      assertFalse(value == null, "no lock table in " + db);
      return value;
    }
  }
}
