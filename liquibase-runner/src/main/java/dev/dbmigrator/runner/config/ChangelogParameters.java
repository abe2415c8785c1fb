package dev.dbmigrator.runner.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.json.JsonTrees;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads explicit changelog parameters: the construct's CHANGELOG_PARAMETERS (one JSON object of string to string)
 * and the local {@code --parameter NAME=VALUE}. Names may contain dots, as Liquibase's own do. The values are not
 * secret (the construct documents them as visible in the template), but an error message still never repeats one.
 */
public final class ChangelogParameters {
  public static final String ENV = "CHANGELOG_PARAMETERS";

  private ChangelogParameters() {}

  /** @return the parameters, in the JSON's order; empty for a null or blank value */
  public static Map<String, String> fromJson(String json) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (json == null || json.isBlank()) {
      return parameters;
    }
    JsonNode root;
    try {
      root = JsonTrees.read(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(ENV + " is not JSON: give one object of parameter name to string value, "
          + "e.g. {\"table_prefix\":\"app_\"}");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(ENV + " must be one JSON object of parameter name to string value");
    }
    for (java.util.Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = fields.next();
      if (!entry.getValue().isTextual()) {
        throw new IllegalArgumentException(ENV + ": the value of " + checkedName(entry.getKey())
            + " must be a string");
      }
      parameters.put(checkedName(entry.getKey()), entry.getValue().asText());
    }
    return parameters;
  }

  /** Adds one {@code NAME=VALUE}; the value may itself contain {@code =}. */
  public static void addAssignment(Map<String, String> parameters, String assignment) {
    int equals = assignment.indexOf('=');
    if (equals <= 0) {
      throw new IllegalArgumentException("--parameter takes NAME=VALUE, e.g. --parameter table_prefix=app_");
    }
    String name = checkedName(assignment.substring(0, equals));
    if (parameters.containsKey(name)) {
      throw new IllegalArgumentException("--parameter " + name + " is given twice");
    }
    parameters.put(name, assignment.substring(equals + 1));
  }

  /** A name Liquibase can look up inside {@code ${…}}: no braces, no $, no blanks. */
  private static String checkedName(String name) {
    String trimmed = name.trim();
    if (trimmed.isEmpty() || !trimmed.matches("[^\\s${}]+")) {
      throw new IllegalArgumentException("the changelog parameter name '" + name + "' is not usable in ${…}: "
          + "use letters, digits, dots, dashes or underscores");
    }
    return trimmed;
  }
}
