package dev.dbmigrator.runner.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.support.ChangelogDir;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A warm JVM keeps the checksum of a folder that cannot change, and only of such a folder. */
class ChangelogChecksumsTest {
  @Test
  void anImmutableFolderIsHashedOncePerJvm() {
    Path root = FastPathChangelogs.folder("checksum-kept", FastPathChangelogs.master(FastPathChangelogs.table(1)));
    ChangelogFolder folder = new ChangelogFolder(root);
    ChangelogChecksums checksums = new ChangelogChecksums(path -> true);
    String first = checksums.of(folder);

    ChangelogDir.put(root, "db.changelog-master.yaml", FastPathChangelogs.master(FastPathChangelogs.table(2)));

    assertEquals(first, checksums.of(folder), "kept: a read-only folder cannot have changed");
  }

  @Test
  void aWritableFolderIsHashedOnEveryRun() {
    Path root = FastPathChangelogs.folder("checksum-fresh", FastPathChangelogs.master(FastPathChangelogs.table(1)));
    ChangelogFolder folder = new ChangelogFolder(root);
    ChangelogChecksums checksums = new ChangelogChecksums();
    String first = checksums.of(folder);

    ChangelogDir.put(root, "db.changelog-master.yaml", FastPathChangelogs.master(FastPathChangelogs.table(2)));

    assertNotEquals(first, checksums.of(folder));
    assertEquals(folder.checksum(), checksums.of(folder));
  }
}
