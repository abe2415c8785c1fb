package dev.dbmigrator.runner.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.json.JsonTrees;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.fleet.FleetTarget;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The targets of a local fleet run, read from stdin so that no password reaches the command line or a file:
 * a JSON array of {@code { "id", "secret": { host, port, username, password, dbname }, "schema"? }}.
 */
record LocalTargets(List<Target> targets) {
  /** @param secretJson the credentials in the RDS secret's shape */
  record Target(String id, String secretJson, String schema) {}

  static LocalTargets read(InputStream in) {
    JsonNode root;
    try {
      root = JsonTrees.read(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("the targets on stdin are not JSON");
    }
    if (root == null || !root.isArray() || root.isEmpty()) {
      throw new IllegalArgumentException("the targets on stdin must be a non-empty JSON array");
    }
    List<Target> targets = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode entry : root) {
      String where = "target " + targets.size();
      JsonNode id = entry.get("id");
      if (id == null || !id.isTextual() || !FleetTarget.isId(id.textValue())) {
        throw new IllegalArgumentException(where + ": id must match " + FleetTarget.ID.pattern());
      }
      if (!ids.add(id.textValue())) {
        throw new IllegalArgumentException(where + ": id " + id.textValue() + " appears twice");
      }
      JsonNode secret = entry.get("secret");
      if (secret == null || !secret.isObject()) {
        throw new IllegalArgumentException(where + " (" + id.textValue() + ") has no secret object");
      }
      JsonNode schema = entry.get("schema");
      String schemaName = schema == null || schema.isNull() ? null : schema.asText();
      if (schemaName != null && !DatabaseConnector.isSchemaName(schemaName)) {
        throw new IllegalArgumentException(where + " (" + id.textValue() + "): schema must be a lower-case"
            + " identifier ([a-z_][a-z0-9_]{0,62}, not pg_*)");
      }
      targets.add(new Target(id.textValue(), secret.toString(), schemaName));
    }
    return new LocalTargets(List.copyOf(targets));
  }
}
