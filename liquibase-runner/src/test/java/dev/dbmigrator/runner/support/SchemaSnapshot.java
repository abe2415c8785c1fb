package dev.dbmigrator.runner.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a migration left in a database, read from the catalogs (the machine's pg_dump is older than the embedded
 * server and refuses it): the user schema and the history, in a form two databases can be compared by. The
 * tables Liquibase and the runner keep for themselves are left out of the schema part and compared through
 * {@link #history} instead.
 */
public record SchemaSnapshot(List<String> schema, List<String> history) {
  /** Liquibase's own tables and the runner's bookkeeping tables: not part of the user's schema. */
  public static final Set<String> BOOKKEEPING = Set.of("databasechangelog", "databasechangeloglock");
  private static final String RUNNER_TABLE_PREFIX = "db_migrator_";

  public static SchemaSnapshot of(Connection connection) throws SQLException {
    List<String> schema = new ArrayList<>();
    schema.addAll(rows(connection, """
        SELECT 'table ' || n.nspname || '.' || c.relname || ' kind=' || c.relkind::text
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND %s
         ORDER BY 1""".formatted(userRelation("c", "n"))));
    schema.addAll(rows(connection, """
        SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
               || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND %s
         ORDER BY 1""".formatted(userRelation("c", "n"))));
    schema.addAll(rows(connection, """
        SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
          FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE %s
         ORDER BY 1""".formatted(userRelation("c", "n"))));
    schema.addAll(rows(connection, """
        SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
          FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE %s
         ORDER BY 1""".formatted(userRelation("c", "n"))));
    schema.addAll(rows(connection, """
        SELECT 'view ' || n.nspname || '.' || c.relname || ' ' || pg_get_viewdef(c.oid)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('v', 'm') AND %s
         ORDER BY 1""".formatted(userRelation("c", "n"))));
    schema.addAll(rows(connection, """
        SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
         ORDER BY 1"""));
    schema.addAll(rows(connection, """
        SELECT 'schema ' || nspname FROM pg_namespace
         WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%'
           AND nspname NOT LIKE 'pg_temp%'
         ORDER BY 1"""));
    return new SchemaSnapshot(schema, history(connection));
  }

  /**
   * DATABASECHANGELOG in execution order, without the columns that differ between any two runs
   * (dateexecuted, deployment_id). Empty when the table does not exist.
   */
  public static List<String> history(Connection connection) throws SQLException {
    if (rows(connection, "SELECT to_regclass('databasechangelog') IS NOT NULL").get(0).equals("f")) {
      return List.of();
    }
    return rows(connection, """
        SELECT concat_ws(' | ', orderexecuted, id, author, filename, md5sum, exectype, description, comments, tag,
                         liquibase, contexts, labels)
          FROM databasechangelog ORDER BY orderexecuted, id, author, filename""");
  }

  /** Row counts of every user table: the data a changelog loaded, compared by size. */
  public static List<String> rowCounts(Connection connection) throws SQLException {
    List<String> counts = new ArrayList<>();
    for (String table : rows(connection, """
        SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND %s ORDER BY 1""".formatted(userRelation("c", "n")))) {
      counts.add(table + " " + rows(connection, "SELECT count(*) FROM " + table).get(0));
    }
    return counts;
  }

  private static String userRelation(String c, String n) {
    return n + ".nspname NOT IN ('pg_catalog', 'information_schema') AND " + n + ".nspname NOT LIKE 'pg_toast%' AND "
        + c + ".relname NOT IN ('databasechangelog', 'databasechangeloglock') AND " + c + ".relname NOT LIKE '"
        + RUNNER_TABLE_PREFIX + "%'";
  }

  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
