package dev.dbmigrator.runner.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The advisory lock key of one migration target. Advisory locks are scoped to the current database, so without a
 * schema one constant serves every database. Tenants sharing a database each migrate their own schema, with their
 * own history, so each schema gets its own key: the low 32 bits stay 'dbmg', the high 32 bits are a hash of the
 * schema name (never 0, which is the default key's). Two schemas whose hashes collide only wait for each other.
 * A target that names {@code public} migrates the tables a run without a schema migrates on a default search_path,
 * so it takes the same key: the two never run at once.
 */
public final class MigrationLockKey {
  /** 'dbmg': the key of a run without a schema, unchanged since the first release. */
  public static final long DEFAULT = 0x64626d67L;
  /** Where the run's key travels in Liquibase's scope, for {@link AdvisoryLockService}. */
  static final String SCOPE_KEY = "dev.dbmigrator.migrationLockKey";
  private static final String PUBLIC = "public";

  private MigrationLockKey() {}

  /** @param schema the target's schema; null for the database's default schema */
  public static long of(String schema) {
    if (schema == null || schema.equals(PUBLIC)) {
      return DEFAULT;
    }
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
    int high = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
    return ((long) (high == 0 ? 1 : high) << 32) | DEFAULT;
  }

  /** pg_locks shows a bigint key as classid (high 32 bits) and objid (low 32 bits). */
  static long classId(long key) {
    return key >>> 32;
  }

  static long objId(long key) {
    return key & 0xffffffffL;
  }
}
