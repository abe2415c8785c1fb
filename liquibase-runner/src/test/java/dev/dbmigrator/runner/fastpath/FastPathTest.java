package dev.dbmigrator.runner.fastpath;

import static dev.dbmigrator.runner.fastpath.FastPathChangelogs.changeset;
import static dev.dbmigrator.runner.fastpath.FastPathChangelogs.folder;
import static dev.dbmigrator.runner.fastpath.FastPathChangelogs.master;
import static dev.dbmigrator.runner.fastpath.FastPathChangelogs.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.local.LocalTriggerAccess;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.support.ChangelogDir;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import dev.dbmigrator.runner.trigger.TriggerParser;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast path answers only when the fingerprint of a verified run matches; each condition that must send a
 * run to the full Liquibase path has its test here.
 */
class FastPathTest {
  private static final String TWO = master(table(1), table(2));
  /** SessionLock's key: a run of the runner holds it for its whole update. */
  private static final long MIGRATION_LOCK = 0x64626d67L;
  private final TestPostgres pg = TestPostgres.get();
  private final RunnerFixture fixture = new RunnerFixture();

  private MigrationResult run(Path folder, String db) throws Exception {
    return fixture.runner(folder, pg.secretJson(db)).run(RunnerFixture.updateComplete());
  }

  private static boolean fast(MigrationResult result) {
    return result.runner().fastPath();
  }

  /** A database at head with a fingerprint: applied once by the full path. */
  private String atHead(Path folder) throws Exception {
    String db = pg.createDatabase();
    MigrationResult first = run(folder, db);
    assertEquals(Status.SUCCEEDED, first.status(), first.message());
    assertFalse(fast(first), "the first run applies: Liquibase runs");
    return db;
  }

  private void sql(String db, String statement) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void aNoOpRunAfterAnApplyAnswersFromTheFingerprintWithHonestCounts() throws Exception {
    Path folder = folder("fast-noop", TWO);
    String db = atHead(folder);

    MigrationResult second = run(folder, db);

    assertTrue(fast(second), second.message());
    assertEquals(Status.SUCCEEDED, second.status());
    assertNull(second.reason());
    assertEquals(0, second.applied().count());
    assertTrue(second.pending().known());
    assertEquals(0, second.pending().count());
    assertEquals(2, second.changelog().totalChangesets(), "the total recorded with the fingerprint");
    assertEquals(new ChangelogFolder(folder).checksum(), second.changelog().checksum());
    assertNotNull(second.database().serverVersion());
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void aFreshDatabaseHasNoFingerprintAndTheQueryWritesNothing() throws Exception {
    String db = pg.createDatabase();
    try (Connection c = pg.connect(db)) {
      assertNull(FingerprintTable.match(c, "sha256:any"));
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")) {
        rs.next();
        assertEquals(0, rs.getInt(1), "the fast path created nothing");
      }
    }
  }

  @Test
  void aChangedFileTakesTheFullPath() throws Exception {
    Path folder = folder("fast-changed", TWO);
    String db = atHead(folder);
    ChangelogDir.put(folder, "db.changelog-master.yaml", master(table(1), table(2), table(3)));

    MigrationResult result = run(folder, db);

    assertFalse(fast(result));
    assertEquals(1, result.applied().count(), result.message());
  }

  @Test
  void aRemovedHistoryRowTakesTheFullPath() throws Exception {
    Path folder = folder("fast-removed", TWO);
    String db = atHead(folder);
    sql(db, "DELETE FROM databasechangelog WHERE id = '2'");

    MigrationResult result = run(folder, db);

    assertFalse(fast(result));
    assertEquals(1, result.applied().count(), "Liquibase finds the changeset pending again");
  }

  /** The full path itself must not trust Liquibase's JVM-wide "up to date" verdict of an earlier run. */
  @Test
  void aRowRemovedBetweenTwoRunsOfOneJvmIsAppliedAgainWithTheFastPathOff() throws Exception {
    Path folder = folder("fast-off-removed", TWO);
    String db = pg.createDatabase();
    fixture.runner(folder, pg.secretJson(db)).withFastPath(false).run(RunnerFixture.updateComplete());
    fixture.runner(folder, pg.secretJson(db)).withFastPath(false).run(RunnerFixture.updateComplete());
    sql(db, "DELETE FROM databasechangelog WHERE id = '2'");

    MigrationResult result = fixture.runner(folder, pg.secretJson(db)).withFastPath(false)
        .run(RunnerFixture.updateComplete());

    assertEquals(1, result.applied().count(), result.message());
    assertEquals(0, result.pending().count());
  }

  @Test
  void anEditedHistoryRowTakesTheFullPath() throws Exception {
    Path folder = folder("fast-edited", TWO);
    String db = atHead(folder);
    sql(db, "UPDATE databasechangelog SET md5sum = '9:00000000000000000000000000000000' WHERE id = '2'");

    MigrationResult result = run(folder, db);

    assertFalse(fast(result));
    assertEquals(Reason.CHECKSUM_MISMATCH, result.reason(), result.message());
  }

  @Test
  void anEditedExecTypeTakesTheFullPath() throws Exception {
    Path folder = folder("fast-exectype", TWO);
    String db = atHead(folder);
    sql(db, "UPDATE databasechangelog SET exectype = 'MARK_RAN' WHERE id = '2'");

    assertFalse(fast(run(folder, db)));
  }

  @Test
  void anAddedHistoryRowTakesTheFullPath() throws Exception {
    Path folder = folder("fast-added", TWO);
    String db = atHead(folder);
    sql(db, "INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum)"
        + " VALUES ('9', 'someone', 'db.changelog-master.yaml', now(), 99, 'EXECUTED', '9:abc')");

    assertFalse(fast(run(folder, db)));
  }

  @Test
  void otherContextsTakeTheFullPath() throws Exception {
    Path folder = folder("fast-contexts", TWO);
    String db = atHead(folder);

    MigrationResult result = fixture.runner(folder, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter("prod", null)).run(RunnerFixture.updateComplete());

    assertFalse(fast(result));
    assertEquals(Status.SUCCEEDED, result.status(), result.message());
  }

  @Test
  void otherLabelsTakeTheFullPath() throws Exception {
    Path folder = folder("fast-labels", TWO);
    String db = atHead(folder);

    MigrationResult result = fixture.runner(folder, pg.secretJson(db))
        .withFilter(new LiquibaseMigration.Filter(null, "billing")).run(RunnerFixture.updateComplete());

    assertFalse(fast(result));
  }

  @Test
  void otherParametersTakeTheFullPath() throws Exception {
    Path folder = folder("fast-parameters", TWO);
    String db = atHead(folder);

    MigrationResult result = fixture.runner(folder, pg.secretJson(db))
        .withParameters(Map.of("owner", "app")).run(RunnerFixture.updateComplete());

    assertFalse(fast(result));
  }

  private void neverFast(String name, String changelog) throws Exception {
    Path folder = folder(name, changelog);
    String db = atHead(folder);
    MigrationResult second = run(folder, db);
    assertEquals(Status.SUCCEEDED, second.status(), second.message());
    assertFalse(fast(second), "Liquibase must evaluate it again: " + name);
    // A runAlways changeset stays pending, so no fingerprint is written at all; the others write an unusable one.
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('" + FingerprintTable.TABLE + "') IS NOT NULL")) {
      rs.next();
      if (rs.getBoolean(1)) {
        try (ResultSet usable = s.executeQuery("SELECT count(*) FROM " + FingerprintTable.TABLE + " WHERE usable")) {
          usable.next();
          assertEquals(0, usable.getInt(1), "no usable fingerprint: " + name);
        }
      }
    }
  }

  @Test
  void aRunAlwaysChangesetNeverWritesAUsableFingerprint() throws Exception {
    neverFast("fast-run-always", master(table(1), changeset(2, "runAlways: true", "SELECT 1")));
  }

  @Test
  void aRunOnChangeChangesetNeverWritesAUsableFingerprint() throws Exception {
    neverFast("fast-run-on-change", master(table(1), changeset(2, "runOnChange: true", "SELECT 1")));
  }

  @Test
  void aChangesetPreconditionNeverWritesAUsableFingerprint() throws Exception {
    neverFast("fast-precondition", master(table(1), changeset(2,
        "preConditions:\n        - onFail: MARK_RAN\n        - sqlCheck:\n            expectedResult: 0\n"
            + "            sql: SELECT 0", "SELECT 1")));
  }

  @Test
  void aChangelogPreconditionNeverWritesAUsableFingerprint() throws Exception {
    neverFast("fast-changelog-precondition", "databaseChangeLog:\n  - preConditions:\n      - dbms:\n"
        + "          type: postgresql\n" + table(1));
  }

  /** Liquibase gives every included file a precondition container of its own, empty unless the file declares one. */
  @Test
  void aMasterThatIncludesFilesAnswersFromTheFingerprint() throws Exception {
    Path folder = ChangelogDir.write("fast-includes", Map.of(
        "db.changelog-master.yaml", "databaseChangeLog:\n  - include:\n      file: modules/a.yaml\n"
            + "      relativeToChangelogFile: true\n  - includeAll:\n      path: more/\n"
            + "      relativeToChangelogFile: true\n",
        "modules/a.yaml", master(table(1)),
        "more/b.yaml", master(table(2)),
        "more/c.yaml", master(table(3))));
    String db = atHead(folder);

    MigrationResult second = run(folder, db);

    assertTrue(fast(second), "an include is not a precondition: " + second.message());
    assertEquals(3, second.changelog().totalChangesets());
  }

  @Test
  void anXmlMasterThatIncludesFilesAnswersFromTheFingerprint() throws Exception {
    String header = "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
        + "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
        + "    xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog "
        + "http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.33.xsd\">\n";
    Path folder = ChangelogDir.write("fast-xml-includes", Map.of(
        "db.changelog-master.xml", header + "  <include file=\"a.xml\" relativeToChangelogFile=\"true\"/>\n"
            + "</databaseChangeLog>\n",
        "a.xml", header + "  <changeSet id=\"1\" author=\"test\"><sql>CREATE TABLE IF NOT EXISTS x1 (id int)</sql>"
            + "</changeSet>\n</databaseChangeLog>\n"));
    ChangelogFolder xmlMaster = new ChangelogFolder(folder, "db.changelog-master.xml");
    String db = pg.createDatabase();
    MigrationResult first = fixture.runner(xmlMaster, pg.secretJson(db)).run(RunnerFixture.updateComplete());
    assertEquals(Status.SUCCEEDED, first.status(), first.message());

    MigrationResult second = fixture.runner(xmlMaster, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertTrue(fast(second), second.message());
  }

  @Test
  void aPreconditionOfAnIncludedChangelogNeverWritesAUsableFingerprint() throws Exception {
    Path folder = ChangelogDir.write("fast-included-precondition", Map.of(
        "db.changelog-master.yaml", "databaseChangeLog:\n  - include:\n      file: a.yaml\n"
            + "      relativeToChangelogFile: true\n",
        "a.yaml", "databaseChangeLog:\n  - preConditions:\n      - onFail: MARK_RAN\n      - sqlCheck:\n"
            + "          expectedResult: 0\n          sql: SELECT 0\n" + table(1)));
    String db = atHead(folder);

    MigrationResult second = run(folder, db);

    assertFalse(fast(second), "Liquibase must evaluate the included file's precondition again");
  }

  /**
   * A master that only includes the first one: Liquibase records the included file's path, so the full path finds
   * nothing pending, but the fingerprint of the first master must not answer for the second.
   */
  @Test
  void anotherMasterFileInTheSameFolderTakesTheFullPath() throws Exception {
    Path folder = folder("fast-other-master", TWO);
    ChangelogDir.put(folder, "other.yaml", "databaseChangeLog:\n  - include:\n      file: db.changelog-master.yaml\n"
        + "      relativeToChangelogFile: true\n");
    String db = atHead(folder);
    ChangelogFolder other = new ChangelogFolder(folder, "other.yaml");

    MigrationResult second = fixture.runner(other, pg.secretJson(db)).run(RunnerFixture.updateComplete());
    MigrationResult third = fixture.runner(other, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertEquals(Status.SUCCEEDED, second.status(), second.message());
    assertFalse(fast(second), "the master file is part of the run key");
    assertEquals(0, second.applied().count());
    assertTrue(fast(third), "the full run recorded a fingerprint of its own: " + third.message());
  }

  @Test
  void aMissingHistoryTableBesideAFingerprintTakesTheFullPath() throws Exception {
    Path folder = folder("fast-no-history", TWO);
    String db = atHead(folder);
    sql(db, "DROP TABLE databasechangelog");

    MigrationResult second = run(folder, db);

    assertEquals(Status.SUCCEEDED, second.status(), second.message());
    assertFalse(fast(second));
    assertEquals(2, second.applied().count(), "Liquibase found no history and applied both again");
  }

  @Test
  void aDryRunAlwaysTakesTheFullPath() throws Exception {
    Path folder = folder("fast-dry-run", TWO);
    String db = atHead(folder);

    MigrationResult result = fixture.runner(folder, pg.secretJson(db))
        .run(RunnerFixture.replay("cf-event-testing", true));

    assertFalse(fast(result));
    assertEquals(Status.PLANNED, result.status(), result.message());
  }

  @Test
  void markAppliedAlwaysTakesTheFullPath() throws Exception {
    Path folder = folder("fast-mark-applied", TWO);
    String db = atHead(folder);

    MigrationResult result = fixture.localRunner(new ChangelogFolder(folder), pg.secretJson(db))
        .withMarkApplied(new MigrationRunner.MarkAppliedRequest(null))
        .run(LocalTriggerAccess.event(false));

    assertFalse(fast(result));
    assertEquals(Status.SUCCEEDED, result.status(), result.message());
  }

  @Test
  void aTraceOfAnInterruptedChangesetTakesTheFullPath() throws Exception {
    Path folder = folder("fast-trace", TWO);
    String db = atHead(folder);
    sql(db, "CREATE TABLE " + FingerprintTable.TRACE_TABLE + " (filename varchar(255) NOT NULL,"
        + " id varchar(255) NOT NULL, author varchar(255) NOT NULL, started_at timestamptz NOT NULL DEFAULT now(),"
        + " sql text, PRIMARY KEY (filename, id, author))");
    sql(db, "INSERT INTO " + FingerprintTable.TRACE_TABLE + " (filename, id, author, sql)"
        + " VALUES ('db.changelog-master.yaml', '7', 'test', 'CREATE INDEX CONCURRENTLY i ON t1 (id)')");

    MigrationResult result = run(folder, db);

    assertFalse(fast(result));
    assertEquals(Reason.INTERRUPTED_CHANGESET, result.reason(), result.message());
  }

  @Test
  void aChangelogLockRowLockedByAForeignClientTakesTheFullPath() throws Exception {
    Path folder = folder("fast-foreign-lock", TWO);
    String db = atHead(folder);
    sql(db, "UPDATE databasechangeloglock SET locked = true, lockgranted = now(), lockedby = 'other (10.0.0.9)'"
        + " WHERE id = 1");

    MigrationResult result = runnerWithLockBudget(folder, db, Duration.ofSeconds(2))
        .run(RunnerFixture.updateComplete());

    assertFalse(fast(result));
    assertEquals(Reason.FOREIGN_LOCK, result.reason(), result.message());
  }

  /**
   * The race that matters: a run mid-update has committed a changeset with its history row, but not yet its
   * fingerprint. The history's digest has changed, so this run takes the full path and waits for the lock.
   */
  @Test
  void aRunMidUpdateThatCommittedAChangesetMakesThisRunWaitForTheLock() throws Exception {
    Path folder = folder("fast-mid-update", TWO);
    String db = atHead(folder);
    try (Connection other = pg.connect(db); Statement s = other.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      s.execute("INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum)"
          + " VALUES ('3', 'test', 'db.changelog-master.yaml', now(), 3, 'EXECUTED', '9:abc')");

      MigrationResult result = runnerWithLockBudget(folder, db, Duration.ofSeconds(2))
          .run(RunnerFixture.updateComplete());

      assertFalse(fast(result));
      assertEquals(Reason.LOCK_TIMEOUT, result.reason(), result.message());
    }
  }

  /** Before it commits anything, a run mid-update leaves the committed history at head: no need to wait. */
  @Test
  void aRunMidUpdateThatCommittedNothingYetDoesNotDelayTheAnswer() throws Exception {
    Path folder = folder("fast-mid-update-nothing", TWO);
    String db = atHead(folder);
    try (Connection other = pg.connect(db); Statement s = other.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      other.setAutoCommit(false);
      s.execute("INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum)"
          + " VALUES ('3', 'test', 'db.changelog-master.yaml', now(), 3, 'EXECUTED', '9:abc')");

      MigrationResult result = runnerWithLockBudget(folder, db, Duration.ofSeconds(2))
          .run(RunnerFixture.updateComplete());

      assertTrue(fast(result), result.message());
      assertEquals(Status.SUCCEEDED, result.status());
      other.rollback();
    }
  }

  @Test
  void anUnreadableFingerprintTakesTheFullPathAndTheRunStillSucceeds() throws Exception {
    Path folder = folder("fast-unreadable", TWO);
    String db = atHead(folder);
    sql(db, "DROP TABLE " + FingerprintTable.TABLE);
    sql(db, "CREATE TABLE " + FingerprintTable.TABLE + " (id int PRIMARY KEY, something_else text)");
    sql(db, "INSERT INTO " + FingerprintTable.TABLE + " VALUES (1, 'garbage')");

    MigrationResult second = run(folder, db);
    MigrationResult third = run(folder, db);

    assertFalse(fast(second));
    assertEquals(Status.SUCCEEDED, second.status(), second.message());
    assertFalse(fast(third), "the fingerprint could not be written over the foreign table");
    assertEquals(Status.SUCCEEDED, third.status(), third.message());
  }

  @Test
  void aFingerprintOfAnotherLiquibaseOrRunnerVersionDoesNotMatch() throws Exception {
    Path folder = folder("fast-version", TWO);
    String db = atHead(folder);
    ChangelogFolder changelog = new ChangelogFolder(folder);
    FingerprintKey current = new FingerprintKey(changelog.checksum(), changelog.masterFile(), null, null, Map.of(),
        Versions.liquibase(), Versions.RUNNER);
    FingerprintKey otherLiquibase = new FingerprintKey(changelog.checksum(), changelog.masterFile(), null, null,
        Map.of(), "4.32.0", Versions.RUNNER);
    FingerprintKey otherRunner = new FingerprintKey(changelog.checksum(), changelog.masterFile(), null, null,
        Map.of(), Versions.liquibase(), "0.0.9");

    try (Connection c = pg.connect(db)) {
      assertEquals(2, FingerprintTable.match(c, current.digest()));
      assertNull(FingerprintTable.match(c, otherLiquibase.digest()));
      assertNull(FingerprintTable.match(c, otherRunner.digest()));
    }
    assertEquals("4.33.0", Versions.liquibase());
  }

  @Test
  void anotherDatabaseUserOrSchemaDoesNotMatch() throws Exception {
    Path folder = folder("fast-schema", TWO);
    String db = atHead(folder);
    sql(db, "UPDATE " + FingerprintTable.TABLE + " SET db_schema = 'elsewhere'");

    assertFalse(fast(run(folder, db)));
  }

  @Test
  void turnedOffItNeitherAnswersNorWrites() throws Exception {
    Path folder = folder("fast-off", TWO);
    String db = pg.createDatabase();

    MigrationResult first = fixture.runner(folder, pg.secretJson(db)).withFastPath(false)
        .run(RunnerFixture.updateComplete());
    MigrationResult second = fixture.runner(folder, pg.secretJson(db)).withFastPath(false)
        .run(RunnerFixture.updateComplete());

    assertFalse(fast(first));
    assertFalse(fast(second));
    assertEquals(Status.SUCCEEDED, second.status());
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('" + FingerprintTable.TABLE + "') IS NULL")) {
      rs.next();
      assertTrue(rs.getBoolean(1), "no fingerprint written while the fast path is off");
    }
  }

  @Test
  void theEnvironmentTurnsItOffAndRefusesAnUnclearValue() {
    assertTrue(FastPath.enabledBy(Map.of()));
    assertTrue(FastPath.enabledBy(Map.of("FAST_PATH", "true")));
    assertFalse(FastPath.enabledBy(Map.of("FAST_PATH", "false")));
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> FastPath.enabledBy(Map.of("FAST_PATH", "no")));
    assertTrue(e.getMessage().contains("FAST_PATH"), e.getMessage());
  }

  private MigrationRunner runnerWithLockBudget(Path folder, String db, Duration lockWaitBudget) {
    String secret = pg.secretJson(db);
    return new MigrationRunner(
        new TriggerParser(WatchedStacks.parse(RunnerFixture.WATCHED_STACK_ID)),
        trigger -> fixture.gate.check(trigger),
        () -> DatabaseSecret.fromJson(secret),
        new DatabaseConnector("disable", Duration.ofSeconds(10)),
        new ChangelogFolder(folder),
        new ResultRecorder(fixture.store, fixture.events),
        Clock.systemUTC(),
        lockWaitBudget,
        Duration.ofSeconds(3));
  }
}
