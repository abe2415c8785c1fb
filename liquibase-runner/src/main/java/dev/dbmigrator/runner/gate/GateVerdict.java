package dev.dbmigrator.runner.gate;

import dev.dbmigrator.runner.result.Reason;

/** Whether to migrate now; when not, the reason and a message for the record. */
public record GateVerdict(Reason reason, String message, String currentStatus, String stackId) {
  public static GateVerdict proceed(String currentStatus, String stackId) {
    return new GateVerdict(null, null, currentStatus, stackId);
  }

  public boolean proceeds() {
    return reason == null;
  }
}
