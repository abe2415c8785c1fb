package dev.dbmigrator.runner.database;

import dev.dbmigrator.runner.result.Reason;

/** Connecting failed; the reason is AUTH_FAILED or CONNECTION_FAILED and the message is safe to record. */
public class ConnectionFailedException extends Exception {
  private final Reason reason;
  private final String sqlState;

  public ConnectionFailedException(Reason reason, String message, String sqlState) {
    super(message);
    this.reason = reason;
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }

  /** Connection-class failures (08xxx) and a server still starting up (57P03) may pass; others will not. */
  public boolean retryable() {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P03"));
  }

  public Reason reason() {
    return reason;
  }
}
