package dev.dbmigrator.runner.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fleet's own settings: its name, and where its manifest lives. Read and validated once, at start. */
record FleetSettings(String fleetName, String manifestBucket, String manifestKey) {
  static FleetSettings fromEnvironment(Map<String, String> env, boolean needsManifest) {
    List<String> required = needsManifest
        ? List.of("FLEET_NAME", "FLEET_MANIFEST_BUCKET", "FLEET_MANIFEST_KEY") : List.of("FLEET_NAME");
    List<String> missing = new ArrayList<>();
    for (String key : required) {
      if (env.getOrDefault(key, "").isBlank()) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the fleet runner is misconfigured: set the environment variable(s) " + missing);
    }
    return new FleetSettings(env.get("FLEET_NAME").trim(), trimmed(env.get("FLEET_MANIFEST_BUCKET")),
        trimmed(env.get("FLEET_MANIFEST_KEY")));
  }

  private static String trimmed(String value) {
    return value == null ? null : value.trim();
  }
}
