package dev.dbmigrator.runner;

import dev.dbmigrator.runner.result.MigrationResult;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.dbmigrator.runner.fastpath.Versions;

/** Versions and the cold-start flag: only the first run in a JVM is a cold start. */
final class RunnerInfo {
  static final String VERSION = Versions.RUNNER;
  private static final AtomicBoolean FIRST_RUN = new AtomicBoolean(true);

  private RunnerInfo() {}

  static MigrationResult.RunnerInfo current(boolean fastPath) {
    return new MigrationResult.RunnerInfo(VERSION, Versions.liquibase(), FIRST_RUN.getAndSet(false), fastPath);
  }
}
