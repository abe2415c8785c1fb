package dev.dbmigrator.runner.fastpath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mount table as a sandbox writes it: a writable root, and the code bind-mounted read-only on top. */
class ReadOnlyMountsTest {
  private static final List<String> SANDBOX = List.of(
      "23 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
      "40 23 0:21 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw",
      "63 23 254:0 /build/app /var/task ro,relatime - ext4 /dev/vda rw",
      "64 23 254:0 /build/my\\040code /opt/my\\040code ro,relatime - ext4 /dev/vda rw");

  @Test
  void aFolderUnderAReadOnlyBindMountIsReadOnlyThoughItsFileSystemIsNot() {
    assertTrue(ReadOnlyMounts.readOnly(SANDBOX, Path.of("/var/task")));
    assertTrue(ReadOnlyMounts.readOnly(SANDBOX, Path.of("/var/task/changelog")));
    assertTrue(ReadOnlyMounts.readOnly(SANDBOX, Path.of("/opt/my code/changelog")), "escaped spaces are read");
  }

  @Test
  void aFolderOnAWritableMountIsNot() {
    assertFalse(ReadOnlyMounts.readOnly(SANDBOX, Path.of("/var/taskforce")), "a prefix of a name is not a parent");
    assertFalse(ReadOnlyMounts.readOnly(SANDBOX, Path.of("/tmp/changelog")));
    assertFalse(ReadOnlyMounts.readOnly(SANDBOX, Path.of("/home/me/changelog")));
  }

  @Test
  void theMountListedLastIsTheOneOnTop() {
    List<String> remountedWritable = new java.util.ArrayList<>(SANDBOX);
    remountedWritable.add("70 23 254:0 /build/app /var/task rw,relatime - ext4 /dev/vda rw");
    assertFalse(ReadOnlyMounts.readOnly(remountedWritable, Path.of("/var/task")));
  }

  @Test
  void anUnreadableTableMeansWritable() {
    assertFalse(ReadOnlyMounts.readOnly(List.of("garbage"), Path.of("/var/task")));
  }
}
