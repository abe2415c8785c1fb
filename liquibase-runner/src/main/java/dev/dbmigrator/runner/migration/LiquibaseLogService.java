package dev.dbmigrator.runner.migration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import liquibase.logging.Logger;
import liquibase.logging.core.AbstractLogger;
import liquibase.logging.core.JavaLogService;
import org.slf4j.LoggerFactory;

/**
 * Liquibase's log, written straight to the runner's JSON log (SLF4J) under the names Liquibase's own
 * java.util.logging service gives (the second-level package: {@code liquibase.changelog},
 * {@code liquibase.executor}, …), at the levels SLF4J's JUL bridge would map them to. A full update logs a few
 * lines per changeset; through java.util.logging each line would also build a LogRecord and look its logger up
 * again in the bridge.
 */
final class LiquibaseLogService extends JavaLogService {
  /** One per JVM: its loggers are SLF4J's, which live as long as the JVM does. */
  static final LiquibaseLogService INSTANCE = new LiquibaseLogService();

  private final Map<Class<?>, Logger> loggers = new ConcurrentHashMap<>();

  private LiquibaseLogService() {}

  @Override
  public Logger getLog(Class clazz) {
    return loggers.computeIfAbsent(clazz, c -> new Slf4jLogger(LoggerFactory.getLogger(getLogName(c))));
  }

  /** One Liquibase log channel. */
  private static final class Slf4jLogger extends AbstractLogger {
    private final org.slf4j.Logger log;

    Slf4jLogger(org.slf4j.Logger log) {
      this.log = log;
    }

    @Override
    public void log(Level level, String message, Throwable e) {
      if (level == null || level.equals(Level.OFF)) {
        return;
      }
      int value = level.intValue();
      // A Liquibase message is already text: it goes as the argument of "{}", never as a pattern to fill in.
      if (value >= Level.SEVERE.intValue()) {
        if (log.isErrorEnabled()) {
          log.error("{}", message, e);
        }
      } else if (value >= Level.WARNING.intValue()) {
        if (log.isWarnEnabled()) {
          log.warn("{}", message, e);
        }
      } else if (value >= Level.INFO.intValue()) {
        if (log.isInfoEnabled()) {
          log.info("{}", message, e);
        }
      } else if (value >= Level.FINE.intValue()) {
        if (log.isDebugEnabled()) {
          log.debug("{}", message, e);
        }
      } else if (log.isTraceEnabled()) {
        log.trace("{}", message, e);
      }
    }
  }
}
