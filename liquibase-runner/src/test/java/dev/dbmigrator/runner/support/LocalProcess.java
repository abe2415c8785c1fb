package dev.dbmigrator.runner.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runner's local entry point (what {@code npm start} and {@code db-migrator local} run) as a child JVM, so
 * that a test can choose its environment: the credentials variable, and variables a test plants to prove they
 * never reach a changelog, such as AWS_SECRET_ACCESS_KEY.
 */
public final class LocalProcess {
  private static final String MAIN = "dev.dbmigrator.runner.local.LocalMain";

  private LocalProcess() {}

  /** How one run ended: exit code, stdout (the result line) and stderr (the log). */
  public record Outcome(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + "\n" + stderr;
    }
  }

  public static Outcome run(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return runWithJvmOptions(List.of(), environment, args);
  }

  /** @param jvmOptions options of the child JVM itself, such as a class-loading log */
  public static Outcome runWithJvmOptions(List<String> jvmOptions, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(jvmOptions);
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN));
    argv.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().keySet().removeIf(name -> name.startsWith("LIQUIBASE_") || name.startsWith("CHANGELOG_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String stdout = read(process.getInputStream());
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("LocalMain did not finish in 3 minutes");
    }
    return new Outcome(process.exitValue(), stdout, stderr.join());
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

}
