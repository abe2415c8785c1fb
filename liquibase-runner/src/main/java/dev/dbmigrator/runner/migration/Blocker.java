package dev.dbmigrator.runner.migration;

/**
 * A backend that held a lock a changeset waited for, as pg_stat_activity showed it while the changeset waited.
 * Never its query: the text of an application's query may carry customer data in its literals. {@code state},
 * {@code applicationName} and {@code transactionAgeMs} are null when the runner's role may not see them
 * (another role's session, without pg_read_all_stats).
 */
public record Blocker(int pid, String applicationName, String state, Long transactionAgeMs) {
  /** One clause for a person: "pid 4242 (application_name 'psql', state 'idle in transaction', transaction open 14.2 s)". */
  public String describe() {
    return "pid " + pid + " (application_name " + quoted(applicationName) + ", state " + quoted(state)
        + ", transaction open " + (transactionAgeMs == null ? "for an unknown time"
            : String.format(java.util.Locale.ROOT, "%.1f s", transactionAgeMs / 1000.0)) + ")";
  }

  private static String quoted(String value) {
    return value == null ? "unknown" : "'" + value + "'";
  }
}
