package dev.dbmigrator.runner.database;

import dev.dbmigrator.runner.result.Reason;

/** Connecting failed; the reason is AUTH_FAILED or CONNECTION_FAILED and the message is safe to record. */
public class ConnectionFailedException extends Exception {
  private final Reason reason;

  public ConnectionFailedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
