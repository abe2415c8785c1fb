package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Before an update: the traces earlier runs left. A trace whose changeset is recorded in DATABASECHANGELOG is
 * only a stop between the history commit and the trace's removal, and is cleared. A trace without its row
 * means a non-transactional changeset was interrupted: the update must not start, and the person reading the
 * result is told what to check and how to resume.
 */
final class InterruptedChangesets {
  private InterruptedChangesets() {}

  /** Null when the update may go ahead; otherwise the message of the INTERRUPTED_CHANGESET failure. */
  static String check(Connection connection) throws SQLException {
    List<ChangesetTrace.Entry> traces = ChangesetTrace.read(connection);
    if (traces.stream().anyMatch(ChangesetTrace.Entry::recorded)) {
      ChangesetTrace.clearRecorded(connection, traces);
    }
    List<ChangesetTrace.Entry> interrupted = traces.stream().filter(t -> !t.recorded()).toList();
    if (interrupted.isEmpty()) {
      return null;
    }
    StringBuilder message = new StringBuilder("nothing was applied: ");
    for (ChangesetTrace.Entry entry : interrupted) {
      message.append("non-transactional changeset ").append(entry.changesetId()).append(" started at ")
          .append(entry.startedAt()).append(" and never finished, so part of it may be applied. ");
      List<String> invalid = InvalidIndexes.namedIn(connection, entry.sql());
      if (!invalid.isEmpty()) {
        message.append("INVALID index(es) it left: ").append(String.join(", ", invalid))
            .append(" (drop with DROP INDEX CONCURRENTLY). ");
      }
      message.append("Check what of it is in the database and undo it, then clear its trace with `").append(ChangesetTrace.clearStatement(entry)).append("` and run again: the"
          + " changeset then runs from the start. ");
    }
    return message.toString().strip();
  }
}
