package dev.dbmigrator.runner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A changelog folder written by a test under target/, from file names (relative paths) and contents. */
public final class ChangelogDir {
  private static final AtomicInteger COUNT = new AtomicInteger();

  private ChangelogDir() {}

  public static Path write(String name, Map<String, String> files) {
    Path root = Path.of("target", "test-changelogs", name + "-" + ProcessHandle.current().pid() + "-"
        + COUNT.incrementAndGet()).toAbsolutePath();
    files.forEach((file, content) -> put(root, file, content));
    return root;
  }

  /** Writes or overwrites one file of a folder. */
  public static void put(Path root, String file, String content) {
    try {
      Path target = root.resolve(file);
      Files.createDirectories(target.getParent());
      Files.writeString(target, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
