package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A changelog that cannot be trusted is refused whole: nothing is applied, the record says why. */
class ChangelogFaultsTest {
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path work;

  @Test
  void anAppliedChangesetEditedAfterwardsIsAChecksumMismatchAndNothingIsApplied() throws Exception {
    String db = pg.createDatabase();
    Path changelog = copy(RepoPaths.changelog());
    RunnerFixture fixture = new RunnerFixture();
    assertEquals(Status.SUCCEEDED, fixture.runner(changelog, pg.secretJson(db)).run(RunnerFixture.updateComplete()).status());

    Path users = changelog.resolve("changes/002-create-table-users.yaml");
    Files.writeString(users, Files.readString(users).replace("VARCHAR(200)", "VARCHAR(250)"));
    Files.writeString(changelog.resolve("changes/003-new.yaml"), """
        databaseChangeLog:
          - changeSet:
              id: 003-new
              author: test
              changes:
                - sql: { sql: CREATE TABLE demo.added_later (id int) }
        """);
    Files.writeString(changelog.resolve("db.changelog-master.yaml"), Files.readString(
        changelog.resolve("db.changelog-master.yaml")) + "  - include: { file: changes/003-new.yaml, relativeToChangelogFile: true }\n");

    MigrationResult result = fixture.runner(changelog, pg.secretJson(db)).run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.CHECKSUM_MISMATCH, result.reason());
    assertTrue(result.message().contains("changes/002-create-table-users.yaml::002-create-table-users::db-migrator"),
        result.message());
    assertEquals(0, result.applied().count());
    assertEquals(2, rows(db, "SELECT count(*) FROM databasechangelog"), "nothing new recorded");
    assertEquals(0, rows(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'added_later'"), "nothing applied");
    assertEquals(1, rows(db, "SELECT count(DISTINCT md5sum) FROM databasechangelog WHERE id = '002-create-table-users'"),
        "checksums are never cleared");
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"broken-yaml", "missing-include"})
  void aMalformedChangelogIsInvalidAndAppliesNothing(String name) throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(RepoPaths.testChangelog(name), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status());
    assertEquals(Reason.INVALID_CHANGELOG, result.reason(), result.message());
    assertEquals(0, rows(db, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"));
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  private Path copy(Path source) throws IOException {
    Path target = work.resolve("changelog");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path to = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    return target;
  }

  private int rows(String db, String sql) throws Exception {
    try (Connection c = pg.connect(db); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
