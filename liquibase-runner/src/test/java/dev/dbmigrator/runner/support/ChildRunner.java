package dev.dbmigrator.runner.support;

import java.io.IOException;
import java.nio.file.Path;

/** The runner as a child JVM (LocalMain), so a test can kill it with SIGKILL: no shutdown hook, no finally. */
public final class ChildRunner {
  private ChildRunner() {}

  public static Process start(TestPostgres pg, String database, Path changelog, Path resultFile) throws IOException {
    ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.dbmigrator.runner.local.LocalMain",
        "--event", RepoPaths.fixture("stack-update-complete.captured.json").toString(),
        "--watched", RunnerFixture.WATCHED_STACK_ID,
        "--changelog", changelog.toString(),
        "--result-file", resultFile.toString(), "--ssl-mode", "disable")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    launch.environment().put("DB_MIGRATOR_SECRET_JSON", pg.secretJson(database));
    return launch.start();
  }

  /** SIGKILL, then waits for the process to be gone. */
  public static void kill(Process process) throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
