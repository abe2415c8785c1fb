package dev.dbmigrator.runner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.json.JsonTrees;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fleet's manifest: a JSON array of targets in rollout order, the one place a target can come from. It is
 * read whole and strictly: one bad entry or a duplicate id makes the whole manifest invalid, because a target
 * resolved from a half-understood manifest could migrate the wrong database. Unknown keys are refused too, so a
 * misspelt {@code schema} cannot silently migrate the default schema instead.
 */
public final class FleetManifest {
  private static final Set<String> KEYS = Set.of("id", "secretArn", "databaseName", "schema");
  private static final Pattern SECRET_ARN =
      Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+");
  /** A database name that needs no quoting or escaping in a JDBC URL. */
  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

  private final Map<String, FleetTarget> targets;

  private FleetManifest(Map<String, FleetTarget> targets) {
    this.targets = targets;
  }

  public static FleetManifest parse(String json) throws ManifestException {
    JsonNode root;
    try {
      root = json == null ? null : JsonTrees.read(json);
    } catch (IOException e) {
      // Jackson's message quotes the input; the location is enough.
      throw invalid("it is not JSON (" + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p
          && p.getLocation() != null ? "line " + p.getLocation().getLineNr() + ", column "
          + p.getLocation().getColumnNr() : "unreadable") + ")");
    }
    if (root == null || !root.isArray()) {
      throw invalid("it is not a JSON array of targets");
    }
    Map<String, FleetTarget> targets = new LinkedHashMap<>();
    for (int i = 0; i < root.size(); i++) {
      FleetTarget target = target(root.get(i), i);
      if (targets.putIfAbsent(target.id(), target) != null) {
        throw invalid("entry " + i + ": id " + target.id() + " appears twice");
      }
    }
    return new FleetManifest(targets);
  }

  public Optional<FleetTarget> find(String id) {
    return Optional.ofNullable(targets.get(id));
  }

  /** The targets in manifest (rollout) order. */
  public List<FleetTarget> targets() {
    return List.copyOf(targets.values());
  }

  private static FleetTarget target(JsonNode entry, int index) throws ManifestException {
    String where = "entry " + index;
    if (entry == null || !entry.isObject()) {
      throw invalid(where + " is not an object");
    }
    for (Iterator<String> keys = entry.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!KEYS.contains(key)) {
        throw invalid(where + " has the unknown key '" + printable(key) + "' (a target has id, secretArn,"
            + " databaseName and an optional schema)");
      }
    }
    String id = text(entry, "id");
    if (!FleetTarget.isId(id)) {
      throw invalid(where + ": id must match " + FleetTarget.ID.pattern());
    }
    where += " (" + id + ")";
    String secretArn = text(entry, "secretArn");
    if (secretArn == null || !SECRET_ARN.matcher(secretArn).matches()) {
      throw invalid(where + ": secretArn is not a Secrets Manager secret ARN");
    }
    String databaseName = text(entry, "databaseName");
    if (databaseName == null || !DATABASE_NAME.matcher(databaseName).matches()) {
      throw invalid(where + ": databaseName must match " + DATABASE_NAME.pattern());
    }
    JsonNode schemaNode = entry.get("schema");
    String schema = null;
    if (schemaNode != null && !schemaNode.isNull()) {
      schema = schemaNode.isTextual() ? schemaNode.textValue() : null;
      if (!DatabaseConnector.isSchemaName(schema)) {
        throw invalid(where + ": schema must be a lower-case identifier ([a-z_][a-z0-9_]{0,62}, not pg_*)");
      }
    }
    return new FleetTarget(id, secretArn, databaseName, schema);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String printable(String key) {
    String cut = key.length() > 40 ? key.substring(0, 40) + "…" : key;
    return cut.replaceAll("[^\\x20-\\x7e…]", "?");
  }

  private static ManifestException invalid(String why) {
    return new ManifestException(Reason.MANIFEST_INVALID, "the fleet manifest is invalid: " + why);
  }
}
