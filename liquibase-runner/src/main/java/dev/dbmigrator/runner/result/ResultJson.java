package dev.dbmigrator.runner.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serialises a MigrationResult so that it always fits the SSM Standard tier (4 KB). When it would not, the
 * changeset lists are shortened (never the counts) and marked truncated, and as a last resort the message.
 */
public final class ResultJson {
  public static final int MAX_BYTES = 4096;
  private static final int MAX_MESSAGE_CHARS = 1000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ResultJson() {}

  public static String toJson(MigrationResult result) {
    MigrationResult fitted = result;
    if (fitted.message() != null && fitted.message().length() > MAX_MESSAGE_CHARS) {
      fitted = withMessage(fitted, fitted.message().substring(0, MAX_MESSAGE_CHARS) + "…");
    }
    String json = write(fitted);
    while (bytes(json) > MAX_BYTES) {
      MigrationResult shorter = shortenLongestList(fitted);
      if (shorter == null) {
        // Lists are empty and it is still too big: only free text is left to cut.
        String message = fitted.message();
        int cut = Math.max(0, message.length() - (bytes(json) - MAX_BYTES) - 16);
        shorter = withMessage(fitted, message.substring(0, cut) + "…");
        if (cut == 0) {
          return write(shorter);
        }
      }
      fitted = shorter;
      json = write(fitted);
    }
    return json;
  }

  private static MigrationResult shortenLongestList(MigrationResult r) {
    ChangesetList applied = r.applied();
    ChangesetList pending = r.pending();
    if (applied.changesets().isEmpty() && pending.changesets().isEmpty()) {
      return null;
    }
    if (applied.changesets().size() >= pending.changesets().size()) {
      applied = dropHalfOfTail(applied);
    } else {
      pending = dropHalfOfTail(pending);
    }
    return new MigrationResult(r.schemaVersion(), r.runId(), r.status(), r.reason(), r.message(), r.trigger(),
        r.database(), r.changelog(), applied, pending, r.failedChangeset(), r.startedAt(), r.finishedAt(),
        r.durationMs(), r.runner(), r.notes());
  }

  /** Keeps the head of the list: the first changesets of a run are the ones a person reads first. */
  private static ChangesetList dropHalfOfTail(ChangesetList list) {
    List<String> ids = list.changesets();
    int keep = ids.size() <= 2 ? ids.size() - 1 : Math.max(1, (ids.size() * 3) / 4);
    return new ChangesetList(list.count(), List.copyOf(ids.subList(0, keep)), true);
  }

  private static MigrationResult withMessage(MigrationResult r, String message) {
    return new MigrationResult(r.schemaVersion(), r.runId(), r.status(), r.reason(), message, r.trigger(),
        r.database(), r.changelog(), r.applied(), r.pending(), r.failedChangeset(), r.startedAt(),
        r.finishedAt(), r.durationMs(), r.runner(), r.notes());
  }

  private static String write(MigrationResult result) {
    try {
      return MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("MigrationResult is not serialisable", e);
    }
  }

  private static int bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }
}
