package dev.dbmigrator.runner.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.spi.MDCAdapter;

/** One {@link JsonLogger} per name, each at the level {@link LogLevels} gives its name. */
final class JsonLoggers implements ILoggerFactory {
  private final LogLevels levels;
  private final String service;
  private final MDCAdapter mdc;
  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

  JsonLoggers(LogLevels levels, String service, MDCAdapter mdc) {
    this.levels = levels;
    this.service = service;
    this.mdc = mdc;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levels.thresholdOf(n), service, mdc));
  }
}
