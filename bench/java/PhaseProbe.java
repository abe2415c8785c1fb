import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.fastpath.ChangelogChecksums;
import dev.dbmigrator.runner.fastpath.FastPath;
import dev.dbmigrator.runner.fastpath.FingerprintKey;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import liquibase.ChecksumVersion;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Times, in an already warm JVM, the parts of a no-op invocation that a runner change could remove: parsing the
 * changelog (removed by caching it across invocations), computing every changeset's checksum, the second
 * listUnrunChangeSets the runner makes after a successful update to fill in `pending`, the runner's own sha256
 * over the changelog folder, and opening a connection. And the two parts of a warm no-op on the fast path that no
 * runner change removes, since nothing carries a connection across invocations: opening the connection, and the
 * fingerprint query on that new connection (a fresh PostgreSQL backend). Each is the median of k repetitions after
 * two unmeasured.
 */
final class PhaseProbe {
  private static final String MASTER = "db.changelog-master.yaml";

  private PhaseProbe() {}

  interface Step {
    void run() throws Exception;
  }

  static Map<String, Double> run(Path changelogDir, String secretJson, int k) throws Exception {
    DatabaseSecret secret = DatabaseSecret.fromJson(secretJson);
    DatabaseConnector connector = new DatabaseConnector("disable", Duration.ofSeconds(30));
    ResourceAccessor accessor = new DirectoryResourceAccessor(changelogDir.toFile());
    Map<String, Object> scope = Map.of(Scope.Attr.resourceAccessor.name(), accessor,
        "liquibase.analytics.enabled", false, Scope.Attr.ui.name(), new LoggerUIService());
    Map<String, List<Double>> times = new LinkedHashMap<>();
    FastPath fastPath = new FastPath(true, new ChangelogChecksums());
    ChangelogFolder folder = new ChangelogFolder(changelogDir);
    FingerprintKey key = fastPath.key(folder, fastPath.checksum(folder), null, null, Map.of());
    Scope.child(scope, () -> {
      try (Connection connection = connector.connect(secret)) {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Liquibase liquibase = new Liquibase(MASTER, accessor, database);
        DatabaseChangeLog parsed = liquibase.getDatabaseChangeLog();
        for (int i = 0; i < k + 2; i++) {
          boolean keep = i >= 2;
          time(times, keep, "parseChangelog", () -> ChangeLogParserFactory.getInstance().getParser(MASTER, accessor)
              .parse(MASTER, new ChangeLogParameters(), accessor));
          time(times, keep, "checksumAllChangesets", () -> {
            for (ChangeSet changeSet : parsed.getChangeSets()) {
              changeSet.clearCheckSum();
              changeSet.generateCheckSum(ChecksumVersion.latest());
            }
          });
          time(times, keep, "listUnrunChangeSets", () -> liquibase.listUnrunChangeSets(new Contexts(), new LabelExpression()));
          time(times, keep, "folderSha256", () -> new ChangelogFolder(changelogDir).checksum());
          time(times, keep, "connectAndClose", () -> connector.connect(secret).close());
          try (Connection fresh = connector.connect(secret)) {
            time(times, keep, "fastPathQueryOnANewConnection", () -> {
              // A key that did not match could let the database skip the history digest: only a match counts.
              if (fastPath.upToDate(fresh, key) == null) {
                throw new IllegalStateException("the fingerprint did not match: the probe's key is not the runner's");
              }
            });
          }
        }
      }
    });
    Map<String, Double> medians = new LinkedHashMap<>();
    times.forEach((name, values) -> medians.put(name, median(values)));
    return medians;
  }

  private static void time(Map<String, List<Double>> times, boolean keep, String name, Step step) throws Exception {
    long start = System.nanoTime();
    step.run();
    double ms = (System.nanoTime() - start) / 1e6;
    if (keep) {
      times.computeIfAbsent(name, n -> new ArrayList<>()).add(ms);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int mid = sorted.size() / 2;
    double m = sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    return Math.round(m * 100) / 100.0;
  }
}
