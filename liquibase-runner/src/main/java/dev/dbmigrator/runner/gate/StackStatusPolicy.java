package dev.dbmigrator.runner.gate;

import dev.dbmigrator.runner.result.Reason;
import java.util.Set;

/**
 * Which current stack statuses run, in ONE place: the replay handler and the CLI only report a status; this
 * decides. A stable stack migrates (a replay of one is allowed); a stack being changed right now is skipped,
 * since the newer deploy will trigger its own run; a deleted stack has nothing left to migrate for.
 */
public final class StackStatusPolicy {
  private static final Set<String> MIGRATE = Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE",
      "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE");

  private StackStatusPolicy() {}

  /** Null to migrate, otherwise the reason to skip. */
  public static Reason skipReason(String status) {
    if (MIGRATE.contains(status)) {
      return null;
    }
    if (status.endsWith("_IN_PROGRESS")) {
      return Reason.STACK_IN_PROGRESS;
    }
    if (status.startsWith("DELETE_")) {
      return Reason.STACK_GONE;
    }
    return Reason.NOT_A_TRIGGER;
  }

  public static GateVerdict verdict(String stackName, String status, String stackId) {
    Reason skip = skipReason(status);
    if (skip == null) {
      return GateVerdict.proceed(status, stackId);
    }
    return new GateVerdict(skip, "stack " + stackName + " is now " + status + ": nothing was applied", status, stackId);
  }
}
