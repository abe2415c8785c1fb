package dev.dbmigrator.runner.fleet;

import java.util.regex.Pattern;

/**
 * One target of a fleet, as its manifest lists it: the credentials secret, the database, and, for
 * schema-per-tenant, the schema (null for the database's default schema).
 */
public record FleetTarget(String id, String secretArn, String databaseName, String schema) {
  /** The contract's id: what a replay may name, and what every result carries as target.id. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public static boolean isId(String value) {
    return value != null && ID.matcher(value).matches();
  }
}
