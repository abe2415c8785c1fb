package dev.dbmigrator.runner.fastpath;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.precondition.Precondition;
import liquibase.precondition.core.PreconditionContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the fingerprint at the end of a full update that left nothing pending. Loaded only on the full path:
 * it reads Liquibase's parsed changelog.
 */
public final class FingerprintWriter {
  private static final Logger LOG = LoggerFactory.getLogger(FingerprintWriter.class);
  private final String runKey;

  FingerprintWriter(String runKey) {
    this.runKey = runKey;
  }

  /**
   * @param succeeded the update ended without error
   * @param pending what is pending after it; null when unknown
   */
  public void afterUpdate(Connection connection, DatabaseChangeLog changeLog, int totalChangesets, boolean succeeded,
      List<String> pending) {
    if (!succeeded || pending == null || !pending.isEmpty()) {
      return;
    }
    try {
      FingerprintTable.write(connection, runKey, totalChangesets, !reEvaluated(changeLog));
    } catch (SQLException | RuntimeException e) {
      // Without a fingerprint the next run takes the full path: it costs time, never correctness.
      LOG.warn("the fingerprint could not be written ({}); the next run takes the full path", e.getMessage());
      try {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
      } catch (SQLException ignored) {
        // The connection is gone; nothing was written.
      }
    }
  }

  /**
   * Whether Liquibase would run or evaluate anything again with nothing pending: a runAlways or runOnChange
   * changeset, or a precondition of any changeset or changelog file. A fingerprint does not know the outcome of
   * either, so it is recorded as unusable.
   */
  static boolean reEvaluated(DatabaseChangeLog changeLog) {
    if (hasPreconditions(changeLog.getPreconditions())) {
      return true;
    }
    for (ChangeSet changeSet : changeLog.getChangeSets()) {
      if (changeSet.isAlwaysRun() || changeSet.isRunOnChange() || hasPreconditions(changeSet.getPreconditions())
          || (changeSet.getChangeLog() != null && hasPreconditions(changeSet.getChangeLog().getPreconditions()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Liquibase nests each included changelog's own container in its parent's, empty when the file declares no
   * precondition, so a container counts only for what it finally holds. Anything that is not a container (a
   * precondition, or an and/or/not of them) counts.
   */
  private static boolean hasPreconditions(PreconditionContainer preconditions) {
    if (preconditions == null) {
      return false;
    }
    for (Precondition nested : preconditions.getNestedPreconditions()) {
      if (!(nested instanceof PreconditionContainer container) || hasPreconditions(container)) {
        return true;
      }
    }
    return false;
  }
}
