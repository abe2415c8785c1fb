package dev.dbmigrator.runner.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.support.LocalProcess;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path starts no Liquibase: a whole local run, in a JVM of its own, logs every class it loads, and no
 * class of Liquibase is among them. The full run before it, logged the same way, proves the probe sees them. Nor
 * does a run start the two start-up costs the runner dropped for its own JSON: an ObjectMapper (jackson-databind's
 * configuration) and Log4j.
 */
class FastPathClassLoadingTest {
  private final TestPostgres pg = TestPostgres.get();

  @TempDir
  Path work;

  @Test
  void aNoOpRunOnTheFastPathLoadsNoLiquibaseClass() throws Exception {
    Path folder = FastPathChangelogs.folder("fast-classes",
        FastPathChangelogs.master(FastPathChangelogs.table(1), FastPathChangelogs.table(2)));
    String db = pg.createDatabase();
    Map<String, String> env = Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db));

    Path fullLog = work.resolve("full.log");
    LocalProcess.Outcome full = LocalProcess.runWithJvmOptions(
        List.of("-Xlog:class+load=info:file=" + fullLog), env, "--local", "--changelog", folder.toString(),
        "--ssl-mode", "disable", "--result-file", work.resolve("full.json").toString());
    Path fastLog = work.resolve("fast.log");
    LocalProcess.Outcome fast = LocalProcess.runWithJvmOptions(
        List.of("-Xlog:class+load=info:file=" + fastLog), env, "--local", "--changelog", folder.toString(),
        "--ssl-mode", "disable", "--result-file", work.resolve("fast.json").toString());

    assertEquals(0, full.exitCode(), full.all());
    assertTrue(full.stdout().contains("\"fastPath\":false"), full.stdout());
    assertTrue(liquibaseClasses(fullLog) > 100, "the probe sees Liquibase's classes on the full path");
    assertEquals(0, fast.exitCode(), fast.all());
    assertTrue(fast.stdout().contains("\"fastPath\":true"), fast.stdout());
    assertEquals(0, liquibaseClasses(fastLog), "Liquibase classes loaded on the fast path: "
        + Files.readAllLines(fastLog).stream().filter(FastPathClassLoadingTest::isLiquibase).limit(10).toList());
    for (Path log : List.of(fullLog, fastLog)) {
      List<String> heavy = Files.readAllLines(log).stream()
          .filter(line -> line.contains(" com.fasterxml.jackson.databind.ObjectMapper ")
              || line.contains(" org.apache.logging.log4j."))
          .limit(10).toList();
      assertEquals(List.of(), heavy, "loaded by " + log.getFileName());
    }
  }

  private static long liquibaseClasses(Path log) throws Exception {
    return Files.readAllLines(log).stream().filter(FastPathClassLoadingTest::isLiquibase).count();
  }

  private static boolean isLiquibase(String line) {
    return line.contains(" liquibase.");
  }
}
