package dev.dbmigrator.runner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.RunnerConfig;
import dev.dbmigrator.runner.support.LocalProcess;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's settings come from its own CHANGELOG_* variables and flags only. Liquibase's LIQUIBASE_* variables
 * and liquibase.* system properties are refused with a clear error: read behind the runner's back, they made a
 * run apply one selection and report another as pending.
 */
class RunnerSettingsTest {
  @TempDir
  Path work;

  @Test
  void theLambdaReadsItsChangelogSettingsFromChangelogVariables() {
    Map<String, String> env = lambdaEnv();
    env.put("CHANGELOG_DIR", RepoPaths.testChangelog("formats").toString());
    env.put("CHANGELOG_FILE", "changelog.xml");
    env.put("CHANGELOG_CONTEXTS", "prod,eu");
    env.put("CHANGELOG_LABELS", "!experimental");
    env.put("CHANGELOG_PARAMETERS", "{\"table_prefix\":\"gw_\",\"app.schema\":\"billing\"}");

    RunnerConfig config = RunnerConfig.fromEnvironment(env);

    assertEquals("changelog.xml", config.changelogFile());
    assertEquals("prod,eu", config.filter().contexts());
    assertEquals("!experimental", config.filter().labels());
    assertEquals(Map.of("table_prefix", "gw_", "app.schema", "billing"), config.changelogParameters());
  }

  @Test
  void withoutChangelogVariablesTheDefaultsAreTodays() {
    RunnerConfig config = RunnerConfig.fromEnvironment(lambdaEnv());

    assertEquals("db.changelog-master.yaml", config.changelogFile());
    assertNull(config.filter().contexts());
    assertNull(config.filter().labels());
    assertEquals(Map.of(), config.changelogParameters());
  }

  @Test
  void liquibasesOwnVariablesAreRefusedNamingTheRunnersOwn() {
    Map<String, String> env = lambdaEnv();
    env.put("LIQUIBASE_COMMAND_CONTEXTS", "test");
    env.put("LIQUIBASE_CONTEXTS", "prod");

    String message = assertThrows(IllegalStateException.class, () -> RunnerConfig.fromEnvironment(env)).getMessage();

    assertTrue(message.contains("LIQUIBASE_COMMAND_CONTEXTS, LIQUIBASE_CONTEXTS"), message);
    assertTrue(message.contains("renamed to CHANGELOG_CONTEXTS and CHANGELOG_LABELS"), message);
  }

  @Test
  void liquibaseSystemPropertiesAreRefusedTooAndTheLogLevelIsAllowed() {
    Properties properties = new Properties();
    properties.setProperty("liquibase.command.contexts", "test");
    String message = assertThrows(IllegalStateException.class,
        () -> ForeignLiquibaseSettings.refuse(Map.of(), properties)).getMessage();
    assertTrue(message.contains("-Dliquibase.command.contexts"), message);

    ForeignLiquibaseSettings.refuse(Map.of("LIQUIBASE_LOG_LEVEL", "FINE"), new Properties());
  }

  @Test
  void fastPathIsOnUnlessFastPathIsFalse() {
    assertTrue(RunnerConfig.fromEnvironment(lambdaEnv()).fastPath());
    Map<String, String> env = lambdaEnv();
    env.put("FAST_PATH", "false");
    assertFalse(RunnerConfig.fromEnvironment(env).fastPath());
    env.put("FAST_PATH", "off");
    String message = assertThrows(IllegalStateException.class, () -> RunnerConfig.fromEnvironment(env)).getMessage();
    assertTrue(message.contains("FAST_PATH must be true or false"), message);
  }

  @Test
  void malformedParametersAreAClearError() {
    for (String json : new String[] {"[1]", "{\"a\": 1}", "not json", "{\"bad name\": \"x\"}"}) {
      Map<String, String> env = lambdaEnv();
      env.put("CHANGELOG_PARAMETERS", json);
      String message = assertThrows(IllegalStateException.class, () -> RunnerConfig.fromEnvironment(env)).getMessage();
      assertTrue(message.startsWith("the runner is misconfigured: "), message);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    ChangelogParameters.addAssignment(parameters, "url=jdbc:x?a=b");
    assertEquals(Map.of("url", "jdbc:x?a=b"), parameters);
    assertThrows(IllegalArgumentException.class, () -> ChangelogParameters.addAssignment(parameters, "url=again"));
    assertThrows(IllegalArgumentException.class, () -> ChangelogParameters.addAssignment(parameters, "=x"));
  }

  /** Before: the run applied with Liquibase's contexts and listed the excluded changeset as pending. */
  @Test
  void aLocalRunWithLiquibaseCommandContextsIsRefusedAndTouchesNothing() throws Exception {
    TestPostgres pg = TestPostgres.get();
    String db = pg.createDatabase();

    LocalProcess.Outcome run = LocalProcess.run(
        Map.of("DB_MIGRATOR_SECRET_JSON", pg.secretJson(db), "LIQUIBASE_COMMAND_CONTEXTS", "prod"),
        "--local", "--changelog", RepoPaths.testChangelog("contexts").toString(), "--ssl-mode", "disable",
        "--result-file", work.resolve("r.json").toString());

    assertEquals(2, run.exitCode(), run.all());
    assertTrue(run.stderr().contains("LIQUIBASE_COMMAND_CONTEXTS"), run.stderr());
    assertTrue(run.stderr().contains("--contexts"), run.stderr());
    try (Connection c = pg.connect(db); var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "nothing was created");
    }
  }

  private static Map<String, String> lambdaEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf");
    env.put("DATABASE_NAME", "demo");
    env.put("RESULT_PARAMETER_NAME", "/db-migrator/db-migrator/demo/last-result");
    env.put("EVENT_BUS_NAME", "db-migrator");
    env.put("WATCHED_STACKS", RunnerFixture.WATCHED_STACK_ID);
    env.put("CHANGELOG_DIR", RepoPaths.changelog().toString());
    return env;
  }
}
