package dev.dbmigrator.runner.migration;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * What still logs through java.util.logging (Liquibase before the runner's scope is set, the JDBC driver) goes
 * into the same structured JSON log as the runner's, not to JUL's plain-text console handler.
 */
final class LiquibaseLogging {
  private static boolean routed;

  private LiquibaseLogging() {}

  static synchronized void route() {
    if (!routed) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
      routed = true;
    }
  }
}
