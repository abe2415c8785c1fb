package dev.dbmigrator.runner.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.json.JsonTrees;
import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.config.ChangelogParameters;
import dev.dbmigrator.runner.config.ForeignLiquibaseSettings;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.migration.LockTimeouts;
import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.secret.SecretSource;
import dev.dbmigrator.runner.fastpath.ChangelogChecksums;
import dev.dbmigrator.runner.fastpath.FastPath;
import dev.dbmigrator.runner.fleet.ReturnedOnly;
import dev.dbmigrator.runner.trigger.TriggerParser;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the Lambda's code path on a workstation. Only the AWS services are stood in for: the credentials come
 * from the DB_MIGRATOR_SECRET_JSON variable (the same JSON shape as the RDS secret), the result goes to a
 * file, and the completion event is printed to stderr. stdout carries exactly one line: the result JSON.
 *
 * <p>Exit codes: 0 for SUCCEEDED, SKIPPED and PLANNED; 1 for FAILED; 2 for a usage error.
 */
public final class LocalMain {
  private static final String USAGE = "usage: LocalMain (--event FILE --watched STACK_IDS"
      + " | --local [--dry-run] [--mark-applied [--to-changeset FILE::ID::AUTHOR]]"
      + " | --targets - [--concurrency N] [--dry-run])"
      + " [--changelog DIR] [--changelog-file FILE] [--contexts EXPR] [--labels EXPR]"
      + " [--parameter NAME=VALUE]... [--lock-timeout SECONDS] [--statement-timeout SECONDS]"
      + " [--lock-retry-budget SECONDS] [--result-file FILE] [--ssl-mode MODE] [--no-fast-path]"
      + "   (credentials: DB_MIGRATOR_SECRET_JSON; with --targets -, each target's on stdin)";

  private LocalMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Map<String, String> options;
    Map<String, String> parameters = new LinkedHashMap<>();
    ChangelogFolder changelog;
    LockTimeouts lockTimeouts;
    try {
      ForeignLiquibaseSettings.refuse(System.getenv(), System.getProperties());
      options = parse(args, parameters);
      changelog = new ChangelogFolder(Path.of(options.getOrDefault("--changelog", "changelog")),
          options.getOrDefault("--changelog-file", ChangelogFolder.DEFAULT_MASTER_FILE));
      lockTimeouts = lockTimeouts(options);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    if (options.containsKey("--targets")) {
      return runTargets(options, parameters, changelog, lockTimeouts);
    }
    String secretJson = System.getenv("DB_MIGRATOR_SECRET_JSON");
    if (secretJson == null || secretJson.isBlank()) {
      System.err.println("DB_MIGRATOR_SECRET_JSON is not set");
      System.err.println(USAGE);
      return 2;
    }
    JsonNode event;
    WatchedStacks watched;
    try {
      if (options.containsKey("--local")) {
        event = LocalTrigger.event(options.containsKey("--dry-run"));
        watched = LocalTrigger.WATCHED;
      } else {
        event = readEvent(Path.of(options.get("--event")));
        watched = WatchedStacks.parse(options.get("--watched"));
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    MigrationRunner runner = runner(options, parameters, changelog, lockTimeouts, watched,
        () -> DatabaseSecret.fromJson(secretJson),
        new ResultRecorder(
            new FileResultStore(Path.of(options.getOrDefault("--result-file", ".local/last-result.json"))),
            new StderrEventPublisher("db-migrator", System.err)), fastPath(options));
    if (options.containsKey("--mark-applied")) {
      runner.withMarkApplied(new MigrationRunner.MarkAppliedRequest(options.get("--to-changeset")));
    }
    try {
      MigrationResult result = runner.run(event);
      System.out.println(ResultJson.toJson(result));
      return result.status() == Status.FAILED ? 1 : 0;
    } catch (RecordingException e) {
      System.err.println("the run left no record: " + e.getMessage());
      return 1;
    }
  }

  /** One runner as a local run wires it; only the credentials and the records differ between modes. */
  private static MigrationRunner runner(Map<String, String> options, Map<String, String> parameters,
      ChangelogFolder changelog, LockTimeouts lockTimeouts, WatchedStacks watched, SecretSource secret,
      ResultRecorder recorder, FastPath fastPath) {
    return new MigrationRunner(
        new TriggerParser(watched, true),
        new EventStatusGate(),
        secret,
        new DatabaseConnector(options.getOrDefault("--ssl-mode", "prefer"), Duration.ofSeconds(30)),
        changelog,
        recorder,
        Clock.systemUTC())
        .withFilter(new LiquibaseMigration.Filter(options.get("--contexts"), options.get("--labels")))
        .withParameters(parameters)
        .withLockTimeouts(lockTimeouts)
        .withFastPath(fastPath);
  }

  /**
   * Every target on stdin, {@code --concurrency} at a time in this JVM, as a fleet target runs: each result is
   * printed (one line, with {@code target}), never stored in a file or published.
   */
  private static int runTargets(Map<String, String> options, Map<String, String> parameters,
      ChangelogFolder changelog, LockTimeouts lockTimeouts) {
    LocalTargets targets;
    int concurrency;
    try {
      targets = LocalTargets.read(System.in);
      concurrency = Integer.parseInt(options.getOrDefault("--concurrency", "4"));
      if (concurrency < 1 || concurrency > 64) {
        throw new IllegalArgumentException("--concurrency must be between 1 and 64");
      }
    } catch (NumberFormatException e) {
      System.err.println("--concurrency must be a whole number");
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    // One checksum cache for every target's run.
    FastPath fastPath = fastPath(options);
    try {
      return LocalFleet.run(targets, concurrency, options.containsKey("--dry-run"),
          target -> runner(options, parameters, changelog, lockTimeouts, LocalTrigger.WATCHED,
              () -> DatabaseSecret.fromJson(target.secretJson()),
              new ResultRecorder(ReturnedOnly.STORE, ReturnedOnly.PUBLISHER), fastPath),
          System.out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static FastPath fastPath(Map<String, String> options) {
    return new FastPath(!options.containsKey("--no-fast-path"), new ChangelogChecksums());
  }

  /** --lock-timeout (0 turns it off), --statement-timeout (off unless given), --lock-retry-budget, in seconds. */
  static LockTimeouts lockTimeouts(Map<String, String> options) {
    return new LockTimeouts(
        LockTimeouts.seconds("--lock-timeout", options.get("--lock-timeout"), LockTimeouts.DEFAULT_LOCK_TIMEOUT),
        LockTimeouts.seconds("--statement-timeout", options.get("--statement-timeout"), Duration.ZERO),
        LockTimeouts.seconds("--lock-retry-budget", options.get("--lock-retry-budget"),
            LockTimeouts.DEFAULT_RETRY_BUDGET));
  }

  /** A file that is not JSON is still fed through: the runner records it as INVALID_EVENT. */
  private static JsonNode readEvent(Path file) {
    try {
      return JsonTrees.read(Files.readString(file));
    } catch (IOException e) {
      return null;
    }
  }

  private static Map<String, String> parse(String[] args, Map<String, String> parameters) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (key.equals("--local") || key.equals("--dry-run") || key.equals("--mark-applied")
          || key.equals("--no-fast-path")) {
        options.put(key, "true");
      } else if (key.equals("--parameter") && i + 1 < args.length) {
        ChangelogParameters.addAssignment(parameters, args[++i]);
      } else if (key.matches("--(event|watched|changelog|changelog-file|contexts|labels|to-changeset|result-file"
          + "|ssl-mode|lock-timeout|statement-timeout|lock-retry-budget|targets|concurrency)") && i + 1 < args.length) {
        if (options.put(key, args[++i]) != null) {
          throw new IllegalArgumentException(key + " is given twice");
        }
      } else {
        throw new IllegalArgumentException("unknown or incomplete option: " + key);
      }
    }
    if (options.containsKey("--targets")) {
      if (!options.get("--targets").equals("-")) {
        throw new IllegalArgumentException("--targets takes - : the targets, with their credentials, come on stdin");
      }
      for (String alone : List.of("--local", "--event", "--mark-applied", "--result-file")) {
        if (options.containsKey(alone)) {
          throw new IllegalArgumentException(alone + " does not go with --targets");
        }
      }
      return options;
    }
    if (options.containsKey("--concurrency")) {
      throw new IllegalArgumentException("--concurrency goes with --targets");
    }
    boolean local = options.containsKey("--local");
    if (local == options.containsKey("--event")) {
      throw new IllegalArgumentException("give either --event FILE, --local or --targets -");
    }
    if (!local && !options.containsKey("--watched")) {
      throw new IllegalArgumentException("--event needs --watched STACK_IDS");
    }
    if (!local && options.containsKey("--dry-run")) {
      throw new IllegalArgumentException("--dry-run goes with --local; a replay event carries its own dryRun");
    }
    if (!local && options.containsKey("--mark-applied")) {
      throw new IllegalArgumentException("--mark-applied goes with --local: only a person marks changesets applied");
    }
    if (options.containsKey("--to-changeset") && !options.containsKey("--mark-applied")) {
      throw new IllegalArgumentException("--to-changeset goes with --mark-applied");
    }
    return options;
  }
}
