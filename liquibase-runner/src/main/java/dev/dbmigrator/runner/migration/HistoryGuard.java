package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;

/**
 * Refuses to re-apply a changelog whose history was recorded under other paths. Liquibase knows a changeset as
 * applied only when a DATABASECHANGELOG row has its id, author and path (compared as {@code RanChangeSet.isSameAs}
 * does: case-insensitive, after {@link DatabaseChangeLog#normalizePath}, which drops {@code classpath:} and a
 * leading {@code /}). A database migrated before with the changelog addressed differently (Spring Boot's
 * {@code db/changelog/…}) would otherwise see every changeset as pending and run them all again.
 */
public final class HistoryGuard {
  private static final int EXAMPLES = 2;

  /** One DATABASECHANGELOG row, as recorded. */
  public record Recorded(String id, String author, String filename) {}

  private HistoryGuard() {}

  /** The recorded rows; none when the table does not exist yet (nothing is created). */
  public static List<Recorded> recorded(Connection connection) throws SQLException {
    try (PreparedStatement exists = connection.prepareStatement(
            "SELECT to_regclass('databasechangelog') IS NOT NULL");
        ResultSet table = exists.executeQuery()) {
      if (!table.next() || !table.getBoolean(1)) {
        return List.of();
      }
    }
    List<Recorded> rows = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement("SELECT id, author, filename FROM databasechangelog");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows.add(new Recorded(rs.getString("id"), rs.getString("author"), rs.getString("filename")));
      }
    }
    return rows;
  }

  /**
   * @param changeSets the changesets this run would consider; those already recorded under their own path are
   *     passed over
   * @param masterFile the master file's path inside the changelog folder, as the runner opens it
   * @return why the run must stop, or null when no changeset about to run is recorded under another path
   */
  public static String check(List<ChangeSet> changeSets, List<Recorded> recorded, String masterFile) {
    // A row that some changeset of this changelog owns is this changelog's history, never a foreign one: two
    // files may each hold a changeset 1::alice.
    PathNormaliser paths = new PathNormaliser();
    Set<String> ours = new HashSet<>();
    for (ChangeSet changeSet : changeSets) {
      ours.add(paths.identity(changeSet.getId(), changeSet.getAuthor(), changeSet.getFilePath()));
    }
    Set<String> ran = new HashSet<>();
    recorded.forEach(row -> ran.add(paths.identity(row.id(), row.author(), row.filename())));
    List<Recorded> foreign = recorded.stream()
        .filter(row -> !ours.contains(paths.identity(row.id(), row.author(), row.filename()))).toList();
    List<String[]> mismatches = new ArrayList<>();  // {ours, theirs as recorded, ours normalised, theirs normalised}
    for (ChangeSet changeSet : changeSets) {
      String path = paths.normalise(changeSet.getFilePath());
      if (ran.contains(paths.identity(changeSet.getId(), changeSet.getAuthor(), changeSet.getFilePath()))) {
        continue;  // applied
      }
      foreign.stream()
          .filter(row -> row.id().equalsIgnoreCase(changeSet.getId())
              && row.author().equalsIgnoreCase(changeSet.getAuthor()))
          .findFirst()
          .ifPresent(row -> mismatches.add(new String[] {
              path + "::" + changeSet.getId() + "::" + changeSet.getAuthor(),
              row.filename() + "::" + row.id() + "::" + row.author(),
              path, paths.normalise(row.filename())}));
    }
    if (mismatches.isEmpty()) {
      return null;
    }
    StringBuilder examples = new StringBuilder();
    for (int i = 0; i < Math.min(EXAMPLES, mismatches.size()); i++) {
      examples.append(i == 0 ? "" : "; ").append("recorded as '").append(mismatches.get(i)[1])
          .append("', this run would record '").append(mismatches.get(i)[0]).append("'");
    }
    return "DATABASECHANGELOG records " + mismatches.size() + " changeset(s) of this changelog under other paths ("
        + examples + "), so they would all run again; nothing was applied. "
        + remedy(mismatches.get(0)[2], mismatches.get(0)[3], masterFile);
  }

  /**
   * DatabaseChangeLog.normalizePath once per distinct path: a changelog has thousands of changesets in a few dozen
   * files, and each call looks a Liquibase setting up again.
   */
  private static final class PathNormaliser {
    private final Map<String, String> normalised = new HashMap<>();

    String normalise(String path) {
      if (path == null) {
        return null;
      }
      String known = normalised.get(path);
      if (known == null) {
        known = DatabaseChangeLog.normalizePath(path);
        normalised.put(path, known);
      }
      return known;
    }

    String identity(String id, String author, String path) {
      String normalisedPath = normalise(path);
      return (id + "::" + author + "::" + (normalisedPath == null ? "" : normalisedPath)).toLowerCase(Locale.ROOT);
    }
  }

  /** Which prefix separates the two paths, and the changelogDir/changelogFile that reproduce the history's. */
  static String remedy(String ours, String theirs, String masterFile) {
    String master = DatabaseChangeLog.normalizePath(masterFile);
    String oursLower = ours.toLowerCase(Locale.ROOT);
    String theirsLower = theirs.toLowerCase(Locale.ROOT);
    if (theirsLower.endsWith("/" + oursLower)) {
      String prefix = theirs.substring(0, theirs.length() - ours.length());
      return "The history's paths carry the prefix '" + prefix + "': set the changelog folder to the folder that"
          + " contains '" + prefix + "' and the master file to '" + prefix + master + "' (construct props"
          + " changelogDir and changelogFile: '" + prefix + master + "'; db-migrator local --changelog <folder>"
          + " --changelog-file " + prefix + master + ").";
    }
    if (oursLower.endsWith("/" + theirsLower)) {
      String prefix = ours.substring(0, ours.length() - theirs.length());
      String inner = master.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))
          ? master.substring(prefix.length()) : master;
      return "The history's paths lack this run's prefix '" + prefix + "': set the changelog folder to '" + prefix
          + "' inside the current one and the master file to '" + inner + "' (construct props changelogDir and"
          + " changelogFile: '" + inner + "'; db-migrator local --changelog <folder>/" + prefix
          + " --changelog-file " + inner + ").";
    }
    return "The paths differ by more than a prefix, so no changelogDir/changelogFile (db-migrator local"
        + " --changelog/--changelog-file) reproduces them; align the files' logicalFilePath with the history, or"
        + " check that this is the right database.";
  }
}
