package dev.dbmigrator.runner.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The changelog folder and its master file. Liquibase always opens it through a search path rooted here, with the
 * master file named by its path relative to that root, so DATABASECHANGELOG records the same paths wherever it
 * runs. Choosing the root and the master path is how a user reproduces the paths an earlier tool recorded: root
 * {@code src/main/resources} with master {@code db/changelog/db.changelog-master.yaml} is Spring Boot's layout.
 *
 * @param masterFile the master file's path inside {@code root}, with forward slashes; any format Liquibase reads
 */
public record ChangelogFolder(Path root, String masterFile) {
  /** The master file when none is named: what the runner always opened before it could be chosen. */
  public static final String DEFAULT_MASTER_FILE = "db.changelog-master.yaml";

  public ChangelogFolder {
    root = root.toAbsolutePath().normalize();
    masterFile = checkedMasterFile(root, masterFile);
  }

  public ChangelogFolder(Path root) {
    this(root, DEFAULT_MASTER_FILE);
  }

  /**
   * The master path must be relative, stay inside the root and name a file: Liquibase records it verbatim, so an
   * absolute or {@code ..} path would record a path no other machine can reproduce.
   */
  private static String checkedMasterFile(Path root, String masterFile) {
    if (masterFile == null || masterFile.isBlank()) {
      throw new IllegalArgumentException("the changelog file is empty: name the master file by its path inside "
          + "the changelog folder, e.g. " + DEFAULT_MASTER_FILE);
    }
    String file = masterFile.trim().replace('\\', '/');
    if (file.startsWith("/") || file.matches("^[A-Za-z]:.*") || file.startsWith("classpath:")) {
      throw new IllegalArgumentException("the changelog file " + masterFile + " must be a path relative to the "
          + "changelog folder, e.g. db/changelog/db.changelog-master.yaml");
    }
    Path resolved = root.resolve(file).normalize();
    if (!resolved.startsWith(root) || List.of(file.split("/")).contains("..")) {
      throw new IllegalArgumentException("the changelog file " + masterFile + " leaves the changelog folder: "
          + "give its path inside the folder, without ..");
    }
    if (!Files.isRegularFile(resolved)) {
      throw new IllegalArgumentException("the changelog folder " + root + " has no file " + file
          + ": the changelog file is the master's path inside the changelog folder");
    }
    // Recorded paths are what DATABASECHANGELOG compares: keep the user's spelling, minus ./ segments.
    return root.relativize(resolved).toString().replace('\\', '/');
  }

  /** {@code sha256:} plus hex over every file's relative path and bytes, in path order. */
  public String checksum() {
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        sha.update(root.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
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
