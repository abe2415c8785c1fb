package dev.dbmigrator.runner.fastpath;

import dev.dbmigrator.runner.support.ChangelogDir;
import java.nio.file.Path;
import java.util.Map;

/** Small YAML changelogs for the fast-path tests: changesets that can run again after their row is removed. */
final class FastPathChangelogs {
  private FastPathChangelogs() {}

  static String changeset(int n, String attributes, String sql) {
    return "  - changeSet:\n"
        + "      id: " + n + "\n"
        + "      author: test\n"
        + (attributes.isEmpty() ? "" : "      " + attributes + "\n")
        + "      changes:\n"
        + "        - sql:\n"
        + "            sql: " + sql + "\n";
  }

  static String table(int n) {
    return changeset(n, "", "CREATE TABLE IF NOT EXISTS t" + n + " (id int)");
  }

  static String master(String... changesets) {
    return "databaseChangeLog:\n" + String.join("", changesets);
  }

  static Path folder(String name, String master) {
    return ChangelogDir.write(name, Map.of("db.changelog-master.yaml", master));
  }
}
