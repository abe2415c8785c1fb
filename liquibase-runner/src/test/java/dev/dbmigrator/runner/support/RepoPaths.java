package dev.dbmigrator.runner.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, found from the Maven module's directory whether Maven runs from root or module. */
public final class RepoPaths {
  private RepoPaths() {}

  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("contracts/migration-result.schema.json"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static Path changelog() {
    return root().resolve("changelog");
  }

  public static Path fixture(String name) {
    return root().resolve("test/fixtures/cloudformation-events").resolve(name);
  }

  public static Path testChangelog(String name) {
    return root().resolve("liquibase-runner/src/test/resources/changelogs").resolve(name);
  }
}
