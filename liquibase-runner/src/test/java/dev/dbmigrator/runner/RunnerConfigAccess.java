package dev.dbmigrator.runner;

import dev.dbmigrator.runner.migration.LockTimeouts;
import java.util.Map;

/** Lets tests in other classes read how RunnerConfig turns the environment into settings. */
final class RunnerConfigAccess {
  private RunnerConfigAccess() {}

  static LockTimeouts lockTimeouts(Map<String, String> env) {
    return RunnerConfig.lockTimeouts(env);
  }
}
