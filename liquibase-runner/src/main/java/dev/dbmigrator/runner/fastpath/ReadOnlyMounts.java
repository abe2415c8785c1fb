package dev.dbmigrator.runner.fastpath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a folder sits on a mount that is read-only, by that mount's own flags. Java's FileStore looks a path up by
 * its device, so a read-only bind mount (how a sandbox typically exposes code read-only) reads as its parent, a
 * writable file system. /proc/self/mountinfo lists each mount with its own flags, the last one listed on top.
 */
final class ReadOnlyMounts {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private ReadOnlyMounts() {}

  static boolean holds(Path folder) {
    try {
      return readOnly(Files.readAllLines(MOUNTINFO), folder.toRealPath());
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * @param mountinfo the lines of /proc/self/mountinfo (fields: id, parent, device, root, mount point, mount options, …)
   * @param realPath an absolute path without links
   */
  static boolean readOnly(List<String> mountinfo, Path realPath) {
    String best = null;
    boolean bestReadOnly = false;
    for (String line : mountinfo) {
      String[] fields = line.split(" ");
      if (fields.length < 6) {
        continue;
      }
      String mountPoint = unescape(fields[4]);
      if (!realPath.startsWith(Path.of(mountPoint))) {
        continue;
      }
      // The longest mount point wins; of equal ones, the later line is the mount on top.
      if (best == null || mountPoint.length() >= best.length()) {
        best = mountPoint;
        bestReadOnly = List.of(fields[5].split(",")).contains("ro");
      }
    }
    return bestReadOnly;
  }

  /** mountinfo writes space, tab, newline and backslash as three-digit octal escapes. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
