package dev.dbmigrator.runner.logging;

import java.io.PrintStream;
import java.time.Instant;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;

/** A named logger with a fixed threshold; each event it lets through becomes one {@link JsonLogLine} on stderr. */
final class JsonLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  private final int threshold;
  private final String service;
  private final transient MDCAdapter mdc;

  JsonLogger(String name, int threshold, String service, MDCAdapter mdc) {
    this.name = name;
    this.threshold = threshold;
    this.service = service;
    this.mdc = mdc;
  }

  private boolean enabled(Level level) {
    return level.toInt() >= threshold;
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
      Throwable throwable) {
    String message = arguments == null || arguments.length == 0 ? pattern
        : MessageFormatter.basicArrayFormat(pattern, arguments);
    String line = JsonLogLine.format(Instant.now(), level.name(), name, service, message,
        mdc.getCopyOfContextMap(), throwable);
    // System.err as it is now, not as it was at start: tests and the Lambda runtime both replace it.
    PrintStream err = System.err;
    err.print(line);
    err.flush();
  }
}
