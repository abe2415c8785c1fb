package dev.dbmigrator.runner.fastpath;

import dev.dbmigrator.runner.migration.ChangelogFolder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "nothing to do" without parsing the changelog or starting Liquibase, when the database holds a
 * fingerprint of the same key over the same history (see {@link FingerprintTable}). Any doubt (no table, no
 * row, another key, another history, a trace of an interrupted changeset, a DATABASECHANGELOGLOCK row committed
 * as locked, an error) is a miss, and the run takes the full path unchanged.
 *
 * <p>It takes no lock: its one query reads the fingerprint and the history from one snapshot, and a fingerprint
 * is a statement about that history, true whenever it matches. A run mid-update commits each changeset with its
 * history row, so either nothing of it is visible (and the answer is the truth about what is committed) or the
 * digest differs and this run falls back to the full path, which waits for the migration lock.
 */
public final class FastPath {
  private static final Logger LOG = LoggerFactory.getLogger(FastPath.class);
  /** The environment variable that turns the fast path off: {@code FAST_PATH=false}. */
  public static final String ENV = "FAST_PATH";

  private final boolean enabled;
  private final ChangelogChecksums checksums;

  public FastPath(boolean enabled, ChangelogChecksums checksums) {
    this.enabled = enabled;
    this.checksums = checksums;
  }

  /** On unless {@value #ENV} is {@code false}; any other value than true or false is refused. */
  public static boolean enabledBy(Map<String, String> env) {
    String value = env.getOrDefault(ENV, "").trim();
    if (value.isEmpty() || value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalStateException("the runner is misconfigured: " + ENV + " must be true or false, not '"
        + value + "'");
  }

  public boolean enabled() {
    return enabled;
  }

  public String checksum(ChangelogFolder folder) {
    return checksums.of(folder);
  }

  /**
   * The key of a run with this changelog (its {@link #checksum}, taken once by the run), filter and parameters,
   * under these versions.
   */
  public FingerprintKey key(ChangelogFolder folder, String checksum, String contexts, String labels,
      Map<String, String> parameters) {
    return new FingerprintKey(checksum, folder.masterFile(), contexts, labels, parameters, Versions.liquibase(),
        Versions.RUNNER);
  }

  /**
   * @return the total of changesets recorded with the matching fingerprint when the database is known to be at
   *     head for this key; null to take the full path
   */
  public Integer upToDate(Connection connection, FingerprintKey key) {
    if (!enabled) {
      return null;
    }
    try {
      Integer total = FingerprintTable.match(connection, key.digest());
      LOG.info(total == null ? "no matching fingerprint: taking the full path"
          : "the fingerprint matches: nothing to do, Liquibase not started");
      return total;
    } catch (SQLException | RuntimeException e) {
      LOG.info("the fingerprint could not be read ({}): taking the full path", e.getMessage());
      rollbackQuietly(connection);
      return null;
    }
  }

  /** What writes the fingerprint after a full run; null when the fast path is off (nothing is written). */
  public FingerprintWriter writer(FingerprintKey key) {
    return enabled ? new FingerprintWriter(key.digest()) : null;
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback();
      }
    } catch (SQLException e) {
      // The full path reports a broken connection itself.
    }
  }
}
