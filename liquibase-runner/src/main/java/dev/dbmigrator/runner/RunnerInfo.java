package dev.dbmigrator.runner;

import dev.dbmigrator.runner.result.MigrationResult;
import java.util.concurrent.atomic.AtomicBoolean;
import liquibase.util.LiquibaseUtil;

/** Versions and the cold-start flag: only the first run in a JVM is a cold start. */
final class RunnerInfo {
  static final String VERSION = "0.1.0";
  private static final AtomicBoolean FIRST_RUN = new AtomicBoolean(true);

  private RunnerInfo() {}

  static MigrationResult.RunnerInfo current() {
    return new MigrationResult.RunnerInfo(VERSION, LiquibaseUtil.getBuildVersion(), FIRST_RUN.getAndSet(false));
  }
}
