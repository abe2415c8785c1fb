package dev.dbmigrator.runner.migration;

import org.apache.logging.log4j.jul.Log4jBridgeHandler;

/** Liquibase logs through java.util.logging; this sends it into the same structured JSON log as ours. */
final class LiquibaseLogging {
  private static boolean routed;

  private LiquibaseLogging() {}

  static synchronized void route() {
    if (!routed) {
      Log4jBridgeHandler.install(true, null, true);
      routed = true;
    }
  }
}
