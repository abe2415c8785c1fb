package dev.dbmigrator.runner.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The runner's SLF4J binding: one JSON object per line on stderr (see {@link JsonLogLine}). Everything that logs
 * in the runner's JVM reaches it: the runner and the AWS SDK through SLF4J, Liquibase through
 * {@code LiquibaseLogService}, and java.util.logging (the PostgreSQL driver) through SLF4J's JUL bridge.
 *
 * <p>It replaces Log4j's core with the JSON template layout, whose start-up cost about half a second of every cold
 * start on two cores, the no-op fast path's included (docs/performance.md). What the runner needs of a logging
 * back end is small: levels per logger prefix, set once from the environment, and a JSON line per event.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  /** The function's service name, set by the construct, as Powertools names it in every language. */
  static final String SERVICE_ENV = "POWERTOOLS_SERVICE_NAME";

  private JsonLoggers loggers;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public void initialize() {
    loggers = new JsonLoggers(LogLevels.fromEnvironment(System.getenv()), System.getenv(SERVICE_ENV), mdc);
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
