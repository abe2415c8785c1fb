package dev.dbmigrator.runner.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The stock Liquibase command line of the runner's own Liquibase version, run as a child JVM: the baseline that
 * the runner is compared with. Its classpath is the test classpath without the runner's own classes, so none of
 * the runner's Liquibase services (its lock service among them) reach it: it behaves as the CLI a user
 * downloads, locking with DATABASECHANGELOGLOCK.
 */
public final class StockCli {
  private static final String MAIN = "liquibase.integration.commandline.LiquibaseCommandLine";
  /** How the CLI's sessions show in pg_stat_activity. */
  public static final String APPLICATION_NAME = "stock-liquibase-cli";

  private final TestPostgres pg;
  private final String database;
  private final Path searchPath;
  private final String changelogFile;
  private final List<String> extraArgs = new ArrayList<>();

  /**
   * @param searchPath the CLI's --search-path; null for its default (then a {@code classpath:} changelog file
   *     resolves through {@code --classpath}, given with {@link #with})
   */
  public StockCli(TestPostgres pg, String database, Path searchPath, String changelogFile) {
    this.pg = pg;
    this.database = database;
    this.searchPath = searchPath;
    this.changelogFile = changelogFile;
  }

  /** Global or command arguments added to every call, e.g. {@code --contexts=postgresql}. */
  public StockCli with(String... args) {
    extraArgs.addAll(Arrays.asList(args));
    return this;
  }

  /** What one call printed and how it ended. */
  public record Outcome(int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** Runs {@code command} (e.g. {@code update}) to its end, or fails the test after {@code timeoutSeconds}. */
  public Outcome run(String command, String... commandArgs) throws IOException, InterruptedException {
    Process process = start(command, commandArgs);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the stock Liquibase CLI did not finish " + command + " in 5 minutes");
    }
    return new Outcome(process.exitValue(), output);
  }

  /** Starts a call without waiting: for kill tests and for runs concurrent with the runner. */
  public Process start(String command, String... commandArgs) throws IOException {
    List<String> argv = new ArrayList<>(List.of(javaBinary(), "-cp", classpath(), MAIN,
        "--url=jdbc:postgresql://" + pg.host + ":" + pg.port + "/" + database + "?ApplicationName=" + APPLICATION_NAME,
        "--username=" + pg.username));
    if (searchPath != null) {
      argv.add("--search-path=" + searchPath.toAbsolutePath());
    }
    argv.addAll(List.of("--changelog-file=" + changelogFile, "--show-banner=false"));
    argv.addAll(extraArgs);
    argv.add(command);
    argv.addAll(Arrays.asList(commandArgs));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    // The password travels in the environment, as the CLI documents, not on the command line.
    builder.environment().put("LIQUIBASE_COMMAND_PASSWORD", pg.password);
    builder.environment().put("LIQUIBASE_ANALYTICS_ENABLED", "false");
    return builder.start();
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The test classpath less the runner's own class folders. */
  static String classpath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("classes") && !entry.endsWith("classes" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
