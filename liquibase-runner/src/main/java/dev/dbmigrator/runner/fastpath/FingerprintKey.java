package dev.dbmigrator.runner.fastpath;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything on the runner's side that decides which changesets Liquibase finds pending, besides the history
 * itself: the changelog folder's bytes and master file, contexts, labels, explicit parameters, and both versions.
 * Two runs with the same key over the same history find the same changesets pending.
 */
public record FingerprintKey(String changelogChecksum, String masterFile, String contexts, String labels,
    Map<String, String> parameters, String liquibaseVersion, String runnerVersion) {

  public FingerprintKey {
    parameters = Map.copyOf(parameters);
  }

  /** {@code sha256:} plus hex over every field, each length-prefixed, so no two keys encode alike. */
  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      field(sha, changelogChecksum);
      field(sha, masterFile);
      field(sha, contexts);
      field(sha, labels);
      Map<String, String> sorted = new TreeMap<>(parameters);
      field(sha, Integer.toString(sorted.size()));
      sorted.forEach((name, value) -> {
        field(sha, name);
        field(sha, value);
      });
      field(sha, liquibaseVersion);
      field(sha, runnerVersion);
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void field(MessageDigest sha, String value) {
    if (value == null) {
      sha.update((byte) 0);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) 1);
    sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) ':');
    sha.update(bytes);
  }
}
