package dev.dbmigrator.runner.logging;

import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Which events are written, by logger name, read once from the environment:
 * <ul>
 *   <li>{@code dev.dbmigrator…}: {@code LOG_LEVEL}, default INFO;</li>
 *   <li>{@code liquibase…}: {@code LIQUIBASE_LOG_LEVEL}, default INFO;</li>
 *   <li>everything else (the AWS SDK, the JDBC driver): WARN.</li>
 * </ul>
 * A value may be an SLF4J level (TRACE, DEBUG, INFO, WARN, ERROR), OFF, or a java.util.logging name (FINE,
 * WARNING, …), as Liquibase's own documentation writes them. An unknown value keeps the default: a typo in a
 * log setting must not stop a migration.
 */
final class LogLevels {
  /** A threshold above ERROR: nothing is written. */
  static final int OFF = Integer.MAX_VALUE;

  private final int runner;
  private final int liquibase;
  private final int others;

  LogLevels(int runner, int liquibase, int others) {
    this.runner = runner;
    this.liquibase = liquibase;
    this.others = others;
  }

  static LogLevels fromEnvironment(Map<String, String> env) {
    int info = Level.INFO.toInt();
    return new LogLevels(parse(env.get("LOG_LEVEL"), info), parse(env.get("LIQUIBASE_LOG_LEVEL"), info),
        Level.WARN.toInt());
  }

  /** The lowest {@link Level#toInt()} written for a logger of this name. */
  int thresholdOf(String name) {
    if (name.equals("dev.dbmigrator") || name.startsWith("dev.dbmigrator.")) {
      return runner;
    }
    if (name.equals("liquibase") || name.startsWith("liquibase.")) {
      return liquibase;
    }
    return others;
  }

  static int parse(String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "ALL":
      case "TRACE":
      case "FINER":
      case "FINEST":
        return Level.TRACE.toInt();
      case "DEBUG":
      case "FINE":
      case "CONFIG":
        return Level.DEBUG.toInt();
      case "INFO":
        return Level.INFO.toInt();
      case "WARN":
      case "WARNING":
        return Level.WARN.toInt();
      case "ERROR":
      case "SEVERE":
      case "FATAL":
        return Level.ERROR.toInt();
      case "OFF":
        return OFF;
      default:
        return fallback;
    }
  }
}
