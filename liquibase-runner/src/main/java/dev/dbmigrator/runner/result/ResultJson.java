package dev.dbmigrator.runner.result;

import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serialises a MigrationResult so that it always fits the SSM Standard tier (4 KB). When it would not, the
 * SQL preview goes first, then the changeset lists are shortened (never the counts) and marked truncated,
 * and as a last resort the message is cut.
 */
public final class ResultJson {
  public static final int MAX_BYTES = 4096;
  private static final int MAX_MESSAGE_CHARS = 1000;

  private ResultJson() {}

  public static String toJson(MigrationResult result) {
    return toJson(result, MAX_BYTES);
  }

  /** As {@link #toJson(MigrationResult)}, in at most {@code maxBytes}: room left for what a caller adds. */
  public static String toJson(MigrationResult result, int maxBytes) {
    MigrationResult fitted = result;
    if (fitted.message() != null && fitted.message().length() > MAX_MESSAGE_CHARS) {
      fitted = fitted.withText(fitted.message().substring(0, MAX_MESSAGE_CHARS) + "…", fitted.sqlPreview());
    }
    String json = write(fitted);
    while (bytes(json) > maxBytes) {
      int excess = bytes(json) - maxBytes;
      MigrationResult shorter;
      if (fitted.sqlPreview() != null && !fitted.sqlPreview().isEmpty()) {
        String sql = fitted.sqlPreview();
        shorter = fitted.withText(fitted.message(), sql.substring(0, Math.max(0, sql.length() - excess - 16)));
      } else if (hasListItems(fitted)) {
        shorter = shortenLongestList(fitted);
      } else {
        String message = fitted.message();
        int cut = Math.max(0, message.length() - excess - 16);
        shorter = fitted.withText(message.substring(0, cut) + "…", fitted.sqlPreview());
        if (cut == 0) {
          return write(shorter);
        }
      }
      fitted = shorter;
      json = write(fitted);
    }
    return json;
  }

  private static boolean hasListItems(MigrationResult r) {
    return !r.applied().changesets().isEmpty() || !r.pending().changesets().isEmpty();
  }

  private static MigrationResult shortenLongestList(MigrationResult r) {
    ChangesetList applied = r.applied();
    ChangesetList pending = r.pending();
    if (applied.changesets().size() >= pending.changesets().size()) {
      applied = dropQuarterOfTail(applied);
    } else {
      pending = dropQuarterOfTail(pending);
    }
    return r.withLists(applied, pending);
  }

  /** Keeps the head of the list: the first changesets of a run are the ones a person reads first. */
  private static ChangesetList dropQuarterOfTail(ChangesetList list) {
    List<String> ids = list.changesets();
    int keep = ids.size() <= 2 ? ids.size() - 1 : Math.max(1, (ids.size() * 3) / 4);
    return new ChangesetList(list.count(), List.copyOf(ids.subList(0, keep)), true);
  }

  private static String write(MigrationResult result) {
    return MigrationResultWriter.write(result);
  }

  private static int bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }
}
