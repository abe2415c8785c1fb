package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The INVALID indexes (pg_index.indisvalid false) that some SQL names. An interrupted or failed
 * {@code CREATE INDEX CONCURRENTLY} leaves its index behind, INVALID: never used by queries, yet enough for a
 * later {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS} to skip the build and report success.
 * {@code REINDEX CONCURRENTLY} leaves {@code <name>_ccnew} ones.
 */
final class InvalidIndexes {
  private static final String QUERY = """
      SELECT n.nspname, c.relname
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE NOT i.indisvalid
       ORDER BY 1, 2""";
  private static final Pattern REINDEX_LEFTOVER = Pattern.compile("_ccnew[0-9]*$");

  private InvalidIndexes() {}

  /** {@code schema.index} of each INVALID index whose name is a word of {@code sql}. */
  static List<String> namedIn(Connection connection, String sql) throws SQLException {
    List<String> named = new ArrayList<>();
    if (sql == null || sql.isBlank()) {
      return named;
    }
    Set<String> words = Pattern.compile("[^A-Za-z0-9_$]+").splitAsStream(sql.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
    try (PreparedStatement s = connection.prepareStatement(QUERY); ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        String name = rows.getString(2);
        String lower = name.toLowerCase(Locale.ROOT);
        if (words.contains(lower) || words.contains(REINDEX_LEFTOVER.matcher(lower).replaceFirst(""))) {
          named.add(rows.getString(1) + "." + name);
        }
      }
    }
    return named;
  }
}
