import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.DirectoryResourceAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prototype of a runner change: a no-op fast path that answers "up to date" without starting Liquibase.
 *
 * <p>At build time ({@code --write-manifest DIR FILE}) Liquibase parses the changelog once and writes a manifest:
 * the folder's sha256 (the runner's own ChangelogFolder checksum) and, per changeset, the path, id, author and
 * checksum that Liquibase records in DATABASECHANGELOG. It marks the manifest ineligible when any changeset is
 * runAlways or runOnChange, or filtered by context, label or dbms, since those are not decided by presence alone.
 *
 * <p>At run time ({@code --check DIR FILE [--repeat K]}) it starts the runner's logging, checks the folder still
 * matches the manifest, opens a connection with the runner's DatabaseConnector, reads DATABASECHANGELOG once,
 * and requires every changeset of the manifest to be there with the same checksum. Anything else would fall back
 * to the full Liquibase update (exit 3 here). It prints one JSON line with the time of each in-JVM repetition.
 */
public final class FastNoop {
  private static final String MASTER = "db.changelog-master.yaml";
  private static final Logger LOG = LoggerFactory.getLogger("dev.dbmigrator.bench.FastNoop");

  private FastNoop() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    Path manifest = Path.of(args[2]);
    if (args[0].equals("--write-manifest")) {
      writeManifest(dir, manifest);
      return;
    }
    int repeat = args.length > 4 && args[3].equals("--repeat") ? Integer.parseInt(args[4]) : 1;
    JsonNode m = new ObjectMapper().readTree(manifest.toFile());
    DatabaseSecret secret = DatabaseSecret.fromJson(System.getenv("DB_MIGRATOR_SECRET_JSON"));
    DatabaseConnector connector = new DatabaseConnector("disable", Duration.ofSeconds(30));
    List<Double> times = new ArrayList<>();
    boolean upToDate = true;
    for (int i = 0; i < repeat && upToDate; i++) {
      long start = System.nanoTime();
      // The folder cannot change under a running Lambda: one check per JVM is enough.
      upToDate = (i > 0 || new ChangelogFolder(dir).checksum().equals(m.get("folderChecksum").asText()))
          && m.get("eligible").asBoolean() && allRecorded(connector, secret, m.get("changesets"));
      times.add((System.nanoTime() - start) / 1e6);
    }
    LOG.info(upToDate ? "the database is up to date (fast path)" : "not provably up to date: full update needed");
    System.out.println("{\"upToDate\":" + upToDate + ",\"repetitionsMs\":" + times + "}");
    System.exit(upToDate ? 0 : 3);
  }

  private static boolean allRecorded(DatabaseConnector connector, DatabaseSecret secret, JsonNode changesets)
      throws Exception {
    Map<String, String> recorded = new HashMap<>();
    try (Connection connection = connector.connect(secret);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT filename, id, author, md5sum FROM databasechangelog")) {
      while (rs.next()) {
        recorded.put(rs.getString(1) + "::" + rs.getString(2) + "::" + rs.getString(3), rs.getString(4));
      }
    }
    for (JsonNode c : changesets) {
      String key = c.get(0).asText() + "::" + c.get(1).asText() + "::" + c.get(2).asText();
      if (!c.get(3).asText().equals(recorded.get(key))) {
        return false;
      }
    }
    return true;
  }

  private static void writeManifest(Path dir, Path manifest) throws Exception {
    DirectoryResourceAccessor accessor = new DirectoryResourceAccessor(dir.toFile());
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor, "liquibase.analytics.enabled", false), () -> {
      DatabaseChangeLog changeLog = ChangeLogParserFactory.getInstance().getParser(MASTER, accessor)
          .parse(MASTER, new ChangeLogParameters(), accessor);
      ArrayNode list = root.putArray("changesets");
      boolean eligible = true;
      for (ChangeSet cs : changeLog.getChangeSets()) {
        list.addArray().add(cs.getFilePath()).add(cs.getId()).add(cs.getAuthor())
            .add(cs.generateCheckSum(ChecksumVersion.latest()).toString());
        eligible &= !cs.isAlwaysRun() && !cs.isRunOnChange() && cs.getContextFilter().isEmpty()
            && cs.getLabels().isEmpty() && (cs.getDbmsSet() == null || cs.getDbmsSet().isEmpty());
      }
      root.put("eligible", eligible);
    });
    root.put("folderChecksum", new ChangelogFolder(dir).checksum());
    Files.writeString(manifest, mapper.writeValueAsString(root));
  }
}
