package dev.dbmigrator.runner.migration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import liquibase.logging.Logger;
import liquibase.logging.core.AbstractLogger;
import liquibase.logging.core.JavaLogService;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.jul.LevelTranslator;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * Liquibase's log, written straight to Log4j under the names Liquibase's own java.util.logging service gives
 * (the second-level package: {@code liquibase.changelog}, {@code liquibase.executor}, …), at the levels the JUL
 * bridge would map them to. A full update logs a few lines per changeset; through java.util.logging each line
 * also built a LogRecord and looked its Log4j logger up again in the bridge, which cost more than writing it.
 */
final class LiquibaseLogService extends JavaLogService {
  /** One per JVM: its loggers are Log4j's, which live as long as the JVM does. */
  static final LiquibaseLogService INSTANCE = new LiquibaseLogService();

  private final Map<Class<?>, Logger> loggers = new ConcurrentHashMap<>();

  private LiquibaseLogService() {}

  @Override
  public Logger getLog(Class clazz) {
    return loggers.computeIfAbsent(clazz, c -> new Log4jLogger(LogManager.getLogger(getLogName(c))));
  }

  /** One Liquibase log channel. */
  private static final class Log4jLogger extends AbstractLogger {
    private final org.apache.logging.log4j.Logger log;

    Log4jLogger(org.apache.logging.log4j.Logger log) {
      this.log = log;
    }

    @Override
    public void log(Level level, String message, Throwable e) {
      if (level == null || level.equals(Level.OFF)) {
        return;
      }
      org.apache.logging.log4j.Level target = LevelTranslator.toLevel(level);
      if (log.isEnabled(target)) {
        // A Liquibase message is already text: never a pattern whose {} Log4j would fill in.
        log.log(target, (Message) new SimpleMessage(message), e);
      }
    }
  }
}
