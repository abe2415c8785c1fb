package dev.dbmigrator.runner.trigger;

import dev.dbmigrator.runner.result.MigrationResult.TriggerInfo;

/**
 * What started a run, after validation. Every string here has been checked against a strict pattern: nothing
 * in it can choose the changelog, the database, the SQL or the credentials.
 */
public record Trigger(
    Type type,
    String eventId,
    String stackId,
    String stackName,
    String stackStatus,
    String time,
    boolean dryRun,
    String reason) {

  public enum Type { CLOUDFORMATION, REPLAY, LOCAL }

  public TriggerInfo toInfo() {
    return new TriggerInfo(type.name(), eventId, stackId, stackName, stackStatus, time, dryRun, reason);
  }
}
