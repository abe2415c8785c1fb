package dev.dbmigrator.runner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.Deadline;
import dev.dbmigrator.runner.migration.MigrationLockKey;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.TestPostgres;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.TriggerParser;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Tenants that share a database, each in its own schema: own history, own fingerprint, own migration lock. */
class SchemaPerTenantTest {
  private static final Trigger DEPLOY =
      new Trigger(Trigger.Type.CLOUDFORMATION, null, null, "app", "UPDATE_COMPLETE", null, false, null);
  private final TestPostgres pg = TestPostgres.get();
  private final Path changelog = TenantChangelog.write();

  private MigrationRunner runner(String db, String schema, Duration lockWaitBudget) {
    return new MigrationRunner(
        new TriggerParser(null),
        trigger -> dev.dbmigrator.runner.gate.GateVerdict.proceed(trigger.stackStatus(), null),
        () -> DatabaseSecret.fromJson(pg.secretJson(db)),
        new DatabaseConnector("disable", Duration.ofSeconds(10)),
        new ChangelogFolder(changelog),
        new ResultRecorder(ReturnedOnly.STORE, ReturnedOnly.PUBLISHER),
        Clock.systemUTC(),
        lockWaitBudget,
        Duration.ofSeconds(3)).withSchema(schema);
  }

  private static MigrationResult valid(MigrationResult result) {
    ResultSchema.assertValid(ResultJson.toJson(result));
    return result;
  }

  @Test
  void twoSchemasOfOneDatabaseMigrateInParallelEachWithItsOwnHistory() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    probe.execute("CREATE SCHEMA tenant_a", "CREATE SCHEMA tenant_b");
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<MigrationResult>> runs = List.of("tenant_a", "tenant_b").stream()
          .map(schema -> pool.submit(() -> {
            start.await();
            return runner(db, schema, Duration.ofSeconds(60)).run(DEPLOY, Deadline.NONE);
          })).toList();
      for (Future<MigrationResult> run : runs) {
        MigrationResult result = valid(run.get());
        assertEquals(Status.SUCCEEDED, result.status(), result.message());
        assertEquals(2, result.applied().count());
      }
    } finally {
      pool.shutdownNow();
    }
    for (String schema : List.of("tenant_a", "tenant_b")) {
      assertEquals(2, probe.count("SELECT count(*) FROM " + schema + ".databasechangelog"));
      assertEquals(1, probe.count("SELECT count(*) FROM " + schema + ".databasechangeloglock"));
      assertEquals(1, probe.count("SELECT count(*) FROM " + schema + ".db_migrator_fingerprint"));
      assertEquals(1, probe.count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema
          + "' AND tablename = 'accounts'"));
    }
    assertEquals(0, probe.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
  }

  @Test
  void theFastPathAnswersPerSchema() throws Exception {
    String db = pg.createDatabase();
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    probe.execute("CREATE SCHEMA tenant_a", "CREATE SCHEMA tenant_b");
    runner(db, "tenant_a", Duration.ofSeconds(60)).run(DEPLOY, Deadline.NONE);
    runner(db, "tenant_b", Duration.ofSeconds(60)).run(DEPLOY, Deadline.NONE);
    // Tenant b's history loses a row: only b must take the full path and notice.
    probe.execute("DELETE FROM tenant_b.databasechangelog WHERE id = '002-accounts-name'",
        "DROP INDEX tenant_b.accounts_name");

    MigrationResult a = valid(runner(db, "tenant_a", Duration.ofSeconds(60)).run(DEPLOY, Deadline.NONE));
    MigrationResult b = valid(runner(db, "tenant_b", Duration.ofSeconds(60)).run(DEPLOY, Deadline.NONE));

    assertTrue(a.runner().fastPath(), "tenant a is up to date: answered by its own fingerprint");
    assertEquals(0, a.applied().count());
    assertFalse(b.runner().fastPath(), "tenant b's history changed: its fingerprint no longer matches");
    assertEquals(List.of("db.changelog-master.yaml::002-accounts-name::tenant"), b.applied().changesets());
  }

  @Test
  void eachSchemaHasItsOwnMigrationLock() throws Exception {
    String db = pg.createDatabase();
    new DatabaseProbe(pg, db).execute("CREATE SCHEMA tenant_a", "CREATE SCHEMA tenant_b");
    try (Connection holder = pg.connect(db); Statement s = holder.createStatement()) {
      // Another run of tenant a is busy.
      s.execute("SELECT pg_advisory_lock(" + MigrationLockKey.of("tenant_a") + ")");

      MigrationResult a = valid(runner(db, "tenant_a", Duration.ofSeconds(1)).run(DEPLOY, Deadline.NONE));
      MigrationResult b = valid(runner(db, "tenant_b", Duration.ofSeconds(1)).run(DEPLOY, Deadline.NONE));

      assertEquals(Status.SKIPPED, a.status());
      assertEquals("LOCK_TIMEOUT", a.reason().name());
      assertTrue(a.message().contains("held by pid"), "the holder of the schema's key is named: " + a.message());
      assertEquals(Status.SUCCEEDED, b.status(), b.message());
    }
  }

  @Test
  void aTargetsSessionsSeeItsSchemaAlone() throws Exception {
    String db = pg.createDatabase();
    new DatabaseProbe(pg, db).execute("CREATE SCHEMA tenant_a");
    try (Connection c = new DatabaseConnector("disable", Duration.ofSeconds(10)).inSchema("tenant_a")
            .connect(DatabaseSecret.fromJson(pg.secretJson(db)));
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT current_setting('search_path'), current_schema()")) {
      rs.next();
      assertEquals("tenant_a", rs.getString(1), "public is not searched: no other history can be read by mistake");
      assertEquals("tenant_a", rs.getString(2));
    }
  }

  @Test
  void withoutASchemaTheKeyIsTheOneEveryEarlierReleaseUsed() {
    assertEquals(0x64626d67L, MigrationLockKey.of(null));
    assertEquals(0x64626d67L, MigrationLockKey.of("tenant_a") & 0xffffffffL);
    assertNotEquals(0L, MigrationLockKey.of("tenant_a") >>> 32);
    assertNotEquals(MigrationLockKey.of("tenant_a"), MigrationLockKey.of("tenant_b"));
  }

  @Test
  void aTargetNamingPublicWaitsForARunWithoutASchemaOnTheSameTables() {
    assertEquals(MigrationLockKey.of(null), MigrationLockKey.of("public"));
  }
}
