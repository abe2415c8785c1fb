package dev.dbmigrator.runner.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same changelog must be recorded under the same paths wherever it runs: in the repository (npm start, the
 * CLI) and in the Lambda package (/var/task/changelog). Otherwise a run in one place re-applies the other's work.
 */
class ChangelogIdentityTest {
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path task;

  @Test
  void aLocalRunAndALambdaLayoutRunSeeEachOthersRows() throws Exception {
    ChangelogFolder local = new ChangelogFolder(RepoPaths.changelog());
    ChangelogFolder lambda = new ChangelogFolder(copyToLambdaLayout());

    String localFirst = pg.createDatabase();
    assertEquals(2, update(localFirst, local).applied().size());
    MigrationOutcome lambdaAfterLocal = update(localFirst, lambda);
    assertTrue(lambdaAfterLocal.succeeded(), lambdaAfterLocal.message());
    assertEquals(List.of(), lambdaAfterLocal.applied());

    String lambdaFirst = pg.createDatabase();
    assertEquals(2, update(lambdaFirst, lambda).applied().size());
    assertEquals(List.of(), update(lambdaFirst, local).applied());

    assertEquals(List.of("changes/001-create-schema-demo.yaml", "changes/002-create-table-users.yaml"),
        recordedPaths(localFirst));
    assertEquals(recordedPaths(localFirst), recordedPaths(lambdaFirst));
    assertEquals(local.checksum(), lambda.checksum(), "the folder checksum does not depend on where it lies");
  }

  private Path copyToLambdaLayout() throws IOException {
    Path target = task.resolve("var/task/changelog");
    Path source = RepoPaths.changelog();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return target;
  }

  private MigrationOutcome update(String db, ChangelogFolder folder) throws Exception {
    try (Connection c = pg.connect(db)) {
      return new LiquibaseMigration(folder, java.time.Duration.ofSeconds(10)).update(c);
    }
  }

  private List<String> recordedPaths(String db) throws Exception {
    List<String> paths = new ArrayList<>();
    try (Connection c = pg.connect(db); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT filename FROM databasechangelog ORDER BY orderexecuted")) {
      while (rs.next()) {
        paths.add(rs.getString(1));
      }
    }
    return paths;
  }
}
