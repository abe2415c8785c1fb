package dev.dbmigrator.runner.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The changelog folder. Liquibase always opens it through a search path rooted here, with the master file named
 * by its bare relative name, so DATABASECHANGELOG records {@code changes/…} wherever it runs.
 */
public record ChangelogFolder(Path root) {
  public static final String MASTER_FILE = "db.changelog-master.yaml";

  public ChangelogFolder {
    root = root.toAbsolutePath().normalize();
  }

  public String masterFile() {
    return MASTER_FILE;
  }

  /** {@code sha256:} plus hex over every file's relative path and bytes, in path order. */
  public String checksum() {
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        sha.update(root.relativize(file).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Files.readAllBytes(file));
        sha.update((byte) 0);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the changelog folder " + root, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
