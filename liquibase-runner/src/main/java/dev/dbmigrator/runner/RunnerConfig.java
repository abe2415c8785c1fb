package dev.dbmigrator.runner;

import dev.dbmigrator.runner.config.ChangelogParameters;
import dev.dbmigrator.runner.config.ForeignLiquibaseSettings;
import dev.dbmigrator.runner.fastpath.FastPath;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.migration.LockTimeouts;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Lambda's configuration, read from the environment and validated once, at start. */
public record RunnerConfig(
    String secretArn,
    String databaseName,
    String resultParameterName,
    String eventBusName,
    String eventSource,
    WatchedStacks watchedStacks,
    Path changelogDir,
    String changelogFile,
    String sslMode,
    Duration connectTimeout,
    Duration lockWaitBudget,
    Duration connectBudget,
    Duration timeReserve,
    LiquibaseMigration.Filter filter,
    Map<String, String> changelogParameters,
    String hostOverride,
    Integer portOverride,
    LockTimeouts lockTimeouts,
    boolean fastPath) {

  /**
   * @throws IllegalStateException for a missing or malformed setting, or a Liquibase setting of its own
   *     ({@code LIQUIBASE_*}), which the runner refuses rather than honours in part
   */
  public static RunnerConfig fromEnvironment(Map<String, String> env) {
    return read(env, List.of("DB_SECRET_ARN", "DATABASE_NAME", "RESULT_PARAMETER_NAME", "EVENT_BUS_NAME",
        "WATCHED_STACKS"));
  }

  /**
   * The settings a fleet target's run shares with a single run: the changelog, its selection and parameters, the
   * timeouts, budgets and the fast path. The database, its secret and the records come from the fleet's manifest
   * or do not apply, so those variables are not required, and the fields they fill may be null.
   */
  public static RunnerConfig forFleetTarget(Map<String, String> env) {
    return read(env, List.of());
  }

  private static RunnerConfig read(Map<String, String> env, List<String> required) {
    List<String> missing = new ArrayList<>();
    for (String key : required) {
      if (env.getOrDefault(key, "").isBlank()) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the runner is misconfigured: set the environment variable(s) " + missing);
    }
    ForeignLiquibaseSettings.refuse(env, System.getProperties());
    Path changelogDir = Path.of(env.getOrDefault("CHANGELOG_DIR", "/var/task/changelog"));
    String changelogFile = blankToNull(env.get("CHANGELOG_FILE")) == null
        ? ChangelogFolder.DEFAULT_MASTER_FILE : env.get("CHANGELOG_FILE").trim();
    Map<String, String> parameters;
    LockTimeouts lockTimeouts;
    try {
      parameters = ChangelogParameters.fromJson(env.get(ChangelogParameters.ENV));
      lockTimeouts = lockTimeouts(env);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the runner is misconfigured: " + e.getMessage(), e);
    }
    return new RunnerConfig(
        env.get("DB_SECRET_ARN"),
        env.get("DATABASE_NAME"),
        env.get("RESULT_PARAMETER_NAME"),
        env.get("EVENT_BUS_NAME"),
        env.getOrDefault("EVENT_SOURCE", "db-migrator"),
        blankToNull(env.get("WATCHED_STACKS")) == null ? null : WatchedStacks.parse(env.get("WATCHED_STACKS")),
        changelogDir,
        changelogFile,
        env.getOrDefault("DB_SSL_MODE", "require"),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("DB_CONNECT_TIMEOUT_SECONDS", "30"))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("LOCK_WAIT_BUDGET_SECONDS", "60"))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("CONNECT_BUDGET_SECONDS", "90"))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("TIME_RESERVE_SECONDS", "60"))),
        new LiquibaseMigration.Filter(blankToNull(env.get("CHANGELOG_CONTEXTS")), blankToNull(env.get("CHANGELOG_LABELS"))),
        parameters,
        blankToNull(env.get("DB_HOST")),
        blankToNull(env.get("DB_PORT")) == null ? null : Integer.valueOf(env.get("DB_PORT").trim()),
        lockTimeouts,
        FastPath.enabledBy(env));
  }

  /** Applies the settings every run shares (all but the fast path, which a caller may share across runs). */
  public MigrationRunner configure(MigrationRunner runner) {
    return runner
        .withTimeReserve(timeReserve)
        .withFilter(filter)
        .withParameters(changelogParameters)
        .withLockTimeouts(lockTimeouts);
  }

  /** LOCK_TIMEOUT_SECONDS (0 turns it off), STATEMENT_TIMEOUT_SECONDS (off unless set), LOCK_RETRY_BUDGET_SECONDS. */
  static LockTimeouts lockTimeouts(Map<String, String> env) {
    return new LockTimeouts(
        LockTimeouts.seconds("LOCK_TIMEOUT_SECONDS", env.get("LOCK_TIMEOUT_SECONDS"),
            LockTimeouts.DEFAULT_LOCK_TIMEOUT),
        LockTimeouts.seconds("STATEMENT_TIMEOUT_SECONDS", env.get("STATEMENT_TIMEOUT_SECONDS"), Duration.ZERO),
        LockTimeouts.seconds("LOCK_RETRY_BUDGET_SECONDS", env.get("LOCK_RETRY_BUDGET_SECONDS"),
            LockTimeouts.DEFAULT_RETRY_BUDGET));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
