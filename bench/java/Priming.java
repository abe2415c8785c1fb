import java.nio.file.Path;
import java.util.Map;
import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.core.PostgresDatabase;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;

/**
 * What a SnapStart beforeCheckpoint hook could do with no database (none is reachable when a version is
 * published, and no connection may cross the snapshot): load Liquibase, parse the changelog through the same
 * search path as the runner, and compute every changeset's checksum. Those classes and JIT-compiled paths are
 * then in the snapshot.
 */
final class Priming {
  private Priming() {}

  static int prime(Path changelogDir) throws Exception {
    ResourceAccessor accessor = new DirectoryResourceAccessor(changelogDir.toFile());
    return Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor,
        "liquibase.analytics.enabled", false), () -> {
          new PostgresDatabase();
          String master = "db.changelog-master.yaml";
          DatabaseChangeLog changeLog = ChangeLogParserFactory.getInstance().getParser(master, accessor)
              .parse(master, new ChangeLogParameters(), accessor);
          int sums = 0;
          for (ChangeSet changeSet : changeLog.getChangeSets()) {
            changeSet.generateCheckSum(ChecksumVersion.latest());
            sums++;
          }
          return sums;
        });
  }
}
