package dev.dbmigrator.runner.migration;

import liquibase.Scope;
import liquibase.changelog.FastCheckService;

/**
 * Liquibase keeps, for the life of the JVM, a verdict "up to date" per database URL, schema, changelog path,
 * contexts and labels, and skips its update on it. A warm Lambda runs many updates in one JVM, and a history row
 * removed between two of them would go unnoticed: every run forgets the verdict before it starts.
 */
final class LiquibaseUpToDateCache {
  private LiquibaseUpToDateCache() {}

  static void forget() {
    Scope.getCurrentScope().getSingleton(FastCheckService.class).clearCache();
  }
}
