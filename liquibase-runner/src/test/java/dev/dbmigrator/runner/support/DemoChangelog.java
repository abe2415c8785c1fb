package dev.dbmigrator.runner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The project's own changelog (schema demo, table demo.users) with one more changeset file after it, under the
 * same paths, so a database migrated by the project's changelog sees only the new changeset as pending.
 */
public final class DemoChangelog {
  private DemoChangelog() {}

  /** @param changeSetYaml the changeSet entries of changes/003-test.yaml (under databaseChangeLog:) */
  public static Path withChange(String name, String changeSetYaml) {
    Map<String, String> files = new LinkedHashMap<>();
    Path root = RepoPaths.changelog();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString().replace('\\', '/'), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String master = files.get("db.changelog-master.yaml");
    files.put("db.changelog-master.yaml", master.stripTrailing() + """

          - include:
              file: changes/003-test.yaml
              relativeToChangelogFile: true
        """);
    files.put("changes/003-test.yaml", "databaseChangeLog:\n" + changeSetYaml);
    return ChangelogDir.write(name, files);
  }
}
