package dev.dbmigrator.runner.lint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.config.ChangelogParameters;
import dev.dbmigrator.runner.config.ForeignLiquibaseSettings;
import dev.dbmigrator.runner.database.ConnectionFailedException;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.ChangelogReader;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java half of {@code db-migrator lint}: writes the SQL of every changeset of a changelog, attributed to it,
 * as one JSON line on stdout. The SQL comes from Liquibase's update-sql over a throwaway empty database, read as
 * a role with no privileges (created here over the superuser credentials in DB_MIGRATOR_LINT_SCRATCH_JSON, which
 * are used for nothing else). With {@code --pending}, it also lists the changesets pending on the database in
 * DB_MIGRATOR_SECRET_JSON, read without a lock in a read-only transaction.
 *
 * <p>Exit codes: 0 with {@code {"changesets":[…],"pending":[…]|null}}; 2 for bad input (arguments, an unreadable
 * changelog) and 1 for anything else, both with {@code {"error":"…"}}.
 */
public final class LintMain {
  private static final String USAGE = "usage: LintMain [--changelog DIR] [--changelog-file FILE] [--contexts EXPR]"
      + " [--labels EXPR] [--parameter NAME=VALUE]... [--pending [--ssl-mode MODE]]"
      + "   (throwaway database: DB_MIGRATOR_LINT_SCRATCH_JSON; --pending: DB_MIGRATOR_SECRET_JSON)";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LintMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> env) {
    Map<String, String> parameters = new LinkedHashMap<>();
    Map<String, String> options;
    ChangelogReader reader;
    DatabaseSecret scratch;
    DatabaseSecret target = null;
    try {
      ForeignLiquibaseSettings.refuse(env, System.getProperties());
      options = parse(args, parameters);
      ChangelogFolder folder = new ChangelogFolder(Path.of(options.getOrDefault("--changelog", "changelog")),
          options.getOrDefault("--changelog-file", ChangelogFolder.DEFAULT_MASTER_FILE));
      reader = new ChangelogReader(folder,
          new LiquibaseMigration.Filter(options.get("--contexts"), options.get("--labels")), parameters);
      scratch = secret(env, "DB_MIGRATOR_LINT_SCRATCH_JSON");
      if (options.containsKey("--pending")) {
        target = secret(env, "DB_MIGRATOR_SECRET_JSON");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      return error(2, e.getMessage() + "\n" + USAGE);
    }
    try {
      List<String> pending = target == null ? null : pendingOn(reader, target, options.getOrDefault("--ssl-mode",
          "prefer"));
      List<LintedChangeset> changesets = sqlOf(reader, scratch);
      System.out.println(JSON.writeValueAsString(output(changesets, pending)));
      return 0;
    } catch (ChangelogReader.UnreadableChangelogException e) {
      return error(2, e.getMessage());
    } catch (ConnectionFailedException e) {
      return error(1, e.getMessage());
    } catch (Exception e) {
      return error(1, "the lint failed: " + ChangelogReader.rootMessage(e));
    }
  }

  private static List<String> pendingOn(ChangelogReader reader, DatabaseSecret target, String sslMode)
      throws Exception {
    try (Connection connection = new DatabaseConnector(sslMode, Duration.ofSeconds(30)).connect(target)) {
      return PendingOnDatabase.ids(reader, connection);
    }
  }

  private static List<LintedChangeset> sqlOf(ChangelogReader reader, DatabaseSecret scratch) throws Exception {
    // The embedded server has no TLS; a scratch server of the user's may: prefer uses it when it is there.
    DatabaseConnector connector = new DatabaseConnector("prefer", Duration.ofSeconds(30));
    DatabaseSecret role;
    try (Connection admin = connector.connect(scratch)) {
      role = UnprivilegedRole.create(admin, scratch);
    }
    try (Connection connection = connector.connect(role)) {
      return UpdateSqlLint.changesets(reader, connection);
    } finally {
      try (Connection admin = connector.connect(scratch)) {
        UnprivilegedRole.drop(admin, role);
      }
    }
  }

  private static ObjectNode output(List<LintedChangeset> changesets, List<String> pending) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("changesets");
    changesets.forEach(c -> list.add(JSON.valueToTree(c)));
    if (pending == null) {
      root.putNull("pending");
    } else {
      ArrayNode ids = root.putArray("pending");
      pending.forEach(ids::add);
    }
    return root;
  }

  private static DatabaseSecret secret(Map<String, String> env, String variable) {
    String json = env.get(variable);
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException(variable + " is not set");
    }
    try {
      return DatabaseSecret.fromJson(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(variable + " is not a database secret: " + e.getMessage());
    }
  }

  private static int error(int code, String message) {
    ObjectNode error = JSON.createObjectNode().put("error", message);
    System.out.println(error.toString());
    return code;
  }

  private static Map<String, String> parse(String[] args, Map<String, String> parameters) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (key.equals("--pending")) {
        options.put(key, "true");
      } else if (key.equals("--parameter") && i + 1 < args.length) {
        ChangelogParameters.addAssignment(parameters, args[++i]);
      } else if (key.matches("--(changelog|changelog-file|contexts|labels|ssl-mode)") && i + 1 < args.length) {
        if (options.put(key, args[++i]) != null) {
          throw new IllegalArgumentException(key + " is given twice");
        }
      } else {
        throw new IllegalArgumentException("unknown or incomplete option: " + key);
      }
    }
    return options;
  }
}
