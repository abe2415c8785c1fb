import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.gate.StackGate;
import dev.dbmigrator.runner.local.FileResultStore;
import dev.dbmigrator.runner.local.StderrEventPublisher;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.trigger.TriggerParser;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One JVM, one runner, k handler invocations: what a warm Lambda sees. Invocation 1 is the cold one; 2..k are
 * warm. The runner is wired exactly as LocalMain wires it (keep the two in step when constructors change), and
 * built once, as the Lambda handler is built once per execution environment.
 *
 * <p>It also times the parts a SnapStart snapshot would move out of the invocation: JVM start to main, and the
 * runner's construction (init). With {@code --prime}, it primes before invocation 1 the way a SnapStart
 * beforeCheckpoint hook could without a database: parse the changelog and compute its checksums. With
 * {@code --phases K}, it times parts of an invocation afterwards, in the warm JVM ({@link PhaseProbe}).
 *
 * <p>The fast path is on, as in the product, unless {@code --no-fast-path}. One runner per JVM, as one handler per
 * execution environment, so its changelog checksum cache lives as long as in Lambda (it keeps the checksum only
 * on a read-only file system, which a workstation's folder is not).
 *
 * <p>Usage: WarmHarness --event FILE --watched IDS --changelog DIR [--changelog-file FILE] --result-file FILE
 * --invocations K [--no-fast-path] [--prime] [--phases K] (credentials: DB_MIGRATOR_SECRET_JSON).
 * Prints one JSON object on stdout.
 */
public final class WarmHarness {
  private WarmHarness() {}

  public static void main(String[] args) throws Exception {
    long jvmToMainMs = ManagementFactory.getRuntimeMXBean().getUptime();
    Args a = Args.parse(args);
    String secretJson = System.getenv("DB_MIGRATOR_SECRET_JSON");
    byte[] event = Files.readAllBytes(Path.of(a.event));
    // The runner's completion events and logs go to stderr; the bench discards them but they are still written,
    // as CloudWatch receives them in Lambda.
    PrintStream events = System.err;

    long initStart = System.nanoTime();
    MigrationRunner runner = new MigrationRunner(
        new TriggerParser(WatchedStacks.parse(a.watched), true),
        localGate(),
        () -> DatabaseSecret.fromJson(secretJson),
        new DatabaseConnector("disable", Duration.ofSeconds(30)),
        new ChangelogFolder(Path.of(a.changelog), a.changelogFile),
        new ResultRecorder(new FileResultStore(Path.of(a.resultFile)), new StderrEventPublisher("db-migrator", events)),
        Clock.systemUTC())
        .withFastPath(a.fastPath);
    double initMs = millisSince(initStart);

    double primeMs = 0;
    if (a.prime) {
      long primeStart = System.nanoTime();
      Priming.prime(Path.of(a.changelog));
      primeMs = millisSince(primeStart);
    }

    ObjectMapper mapper = new ObjectMapper();
    List<Double> invocations = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    List<Boolean> fastPaths = new ArrayList<>();
    int applied = 0;
    for (int i = 0; i < a.invocations; i++) {
      long start = System.nanoTime();
      // Lambda hands the handler a fresh stream per invocation, so the event is parsed every time.
      JsonNode node = mapper.readTree(event);
      MigrationResult result = runner.run(node);
      invocations.add(millisSince(start));
      statuses.add(result.status().name());
      fastPaths.add(result.runner().fastPath());
      applied += result.applied().count();
    }

    Map<String, Double> phaseMs = a.phases > 0
        ? PhaseProbe.run(Path.of(a.changelog), secretJson, a.phases) : Map.of();

    StringBuilder json = new StringBuilder();
    json.append("{\"jvmToMainMs\":").append(jvmToMainMs)
        .append(",\"initMs\":").append(round(initMs))
        .append(",\"primeMs\":").append(round(primeMs))
        .append(",\"applied\":").append(applied)
        .append(",\"statuses\":").append(mapper.writeValueAsString(statuses))
        .append(",\"fastPaths\":").append(mapper.writeValueAsString(fastPaths))
        .append(",\"phasesMs\":").append(mapper.writeValueAsString(phaseMs))
        .append(",\"invocationsMs\":[");
    for (int i = 0; i < invocations.size(); i++) {
      json.append(i == 0 ? "" : ",").append(round(invocations.get(i)));
    }
    json.append("]}");
    System.out.println(json);
  }

  /**
   * LocalMain's stand-in for the CloudFormation gate. It is package-private, so it is reached by reflection rather
   * than copied: the harness must gate exactly as LocalMain does.
   */
  private static StackGate localGate() throws ReflectiveOperationException {
    Constructor<?> constructor = Class.forName("dev.dbmigrator.runner.local.EventStatusGate").getDeclaredConstructor();
    constructor.setAccessible(true);
    return (StackGate) constructor.newInstance();
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000.0;
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }

  private record Args(String event, String watched, String changelog, String changelogFile, String resultFile,
      int invocations, boolean fastPath, boolean prime, int phases) {
    static Args parse(String[] args) {
      String event = null;
      String watched = null;
      String changelog = null;
      String changelogFile = ChangelogFolder.DEFAULT_MASTER_FILE;
      String resultFile = null;
      int invocations = 10;
      boolean fastPath = true;
      boolean prime = false;
      int phases = 0;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--event" -> event = args[++i];
          case "--watched" -> watched = args[++i];
          case "--changelog" -> changelog = args[++i];
          case "--changelog-file" -> changelogFile = args[++i];
          case "--result-file" -> resultFile = args[++i];
          case "--no-fast-path" -> fastPath = false;
          case "--invocations" -> invocations = Integer.parseInt(args[++i]);
          case "--prime" -> prime = true;
          case "--phases" -> phases = Integer.parseInt(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (event == null || watched == null || changelog == null || resultFile == null) {
        throw new IllegalArgumentException("usage: WarmHarness --event F --watched IDS --changelog DIR"
            + " [--changelog-file F] --result-file F [--invocations K] [--no-fast-path] [--prime]"
            + " [--phases K]");
      }
      return new Args(event, watched, changelog, changelogFile, resultFile, invocations, fastPath, prime,
          phases);
    }
  }
}
