package dev.dbmigrator.runner.fastpath;

import dev.dbmigrator.runner.migration.ChangelogFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The changelog folder's checksum, computed once per JVM when the folder cannot change (a read-only file system or
 * a read-only mount, as Lambda's /var/task), and afresh on every run otherwise: a workstation's folder changes
 * between runs.
 */
public final class ChangelogChecksums {
  private final Map<ChangelogFolder, String> kept = new ConcurrentHashMap<>();
  private final Predicate<Path> immutable;

  public ChangelogChecksums() {
    this(ChangelogChecksums::onReadOnlyFileSystem);
  }

  ChangelogChecksums(Predicate<Path> immutable) {
    this.immutable = immutable;
  }

  public String of(ChangelogFolder folder) {
    if (!immutable.test(folder.root())) {
      return folder.checksum();
    }
    return kept.computeIfAbsent(folder, ChangelogFolder::checksum);
  }

  private static boolean onReadOnlyFileSystem(Path root) {
    try {
      if (Files.getFileStore(root).isReadOnly()) {
        return true;
      }
    } catch (IOException e) {
      // Not known from the file store: the mount table may still say.
    }
    return ReadOnlyMounts.holds(root);
  }
}
