package dev.dbmigrator.runner.database;

import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens the JDBC connection. Timeouts are generous because an Aurora Serverless v2 cluster paused at 0 ACU
 * takes 15 to 30 s to resume, and JDBC blocks meanwhile. Credentials travel as connection properties, never in
 * the URL, so the URL can be logged.
 */
public final class DatabaseConnector {
  public static final String APPLICATION_NAME = "db-migrator";

  private final String sslMode;
  private final Duration connectTimeout;
  private final String schema;

  public DatabaseConnector(String sslMode, Duration connectTimeout) {
    this(sslMode, connectTimeout, null);
  }

  private DatabaseConnector(String sslMode, Duration connectTimeout, String schema) {
    this.sslMode = sslMode;
    this.connectTimeout = connectTimeout;
    this.schema = schema;
  }

  /**
   * Sessions whose search_path is {@code schema} alone, for a schema-per-tenant target: unqualified names (the
   * runner's own tables, Liquibase's history, the changelog's SQL) resolve there and nowhere else, so a tenant's
   * run can never read another schema's history. A schema that does not exist is refused, never created: the
   * process that provisions a tenant creates its schema, with its owner and grants.
   *
   * @param schema an unquoted lower-case PostgreSQL identifier ({@link #isSchemaName}), or null for no change
   */
  public DatabaseConnector inSchema(String schema) {
    if (schema != null && !isSchemaName(schema)) {
      throw new IllegalArgumentException("not a schema name the runner takes: " + schema);
    }
    return new DatabaseConnector(sslMode, connectTimeout, schema);
  }

  /**
   * Lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters, not
   * {@code pg_*} (reserved by PostgreSQL): a name that needs no quoting anywhere it goes.
   */
  public static boolean isSchemaName(String name) {
    return name != null && name.matches("[a-z_][a-z0-9_]{0,62}") && !name.startsWith("pg_")
        && !name.equals("information_schema");
  }

  public static String jdbcUrl(DatabaseSecret secret) {
    return "jdbc:postgresql://" + secret.host() + ":" + secret.port() + "/" + secret.dbname();
  }

  public Connection connect(DatabaseSecret secret) throws ConnectionFailedException {
    Properties props = new Properties();
    props.setProperty("user", secret.username());
    props.setProperty("password", secret.password());
    props.setProperty("sslmode", sslMode);
    props.setProperty("connectTimeout", Long.toString(connectTimeout.toSeconds()));
    props.setProperty("loginTimeout", Long.toString(connectTimeout.toSeconds() * 2));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("ApplicationName", APPLICATION_NAME);
    // Every PostgreSQL that Aurora runs is 9.0 or later, so the driver may send extra_float_digits and the
    // application name in the start-up message instead of two SET statements after it: two round trips fewer on
    // each of a run's connections (the fast path's only one included).
    props.setProperty("assumeMinServerVersion", "9.0");
    // The migration lock belongs to this session. If this process dies while its backend is busy in a long
    // statement, the backend notices only when it next touches the socket; these make it look every 2 s
    // (PostgreSQL 14+) and probe an idle peer within about 25 s, so the orphan aborts and frees the lock.
    props.setProperty("options", "-c client_connection_check_interval=2000"
        + " -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3");
    if (schema != null) {
      props.setProperty("currentSchema", schema);
    }
    Connection connection;
    try {
      connection = DriverManager.getConnection(jdbcUrl(secret), props);
    } catch (SQLException e) {
      throw classify(e, secret);
    }
    if (schema != null) {
      requireSchema(connection, secret);
    }
    return connection;
  }

  /** current_schema() is null when the search_path names a schema that is missing or that the user may not use. */
  private void requireSchema(Connection connection, DatabaseSecret secret) throws ConnectionFailedException {
    String current;
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      current = rs.getString(1);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw classify(e, secret);
    }
    if (!schema.equals(current)) {
      closeQuietly(connection);
      throw new ConnectionFailedException(Reason.SCHEMA_MISSING, "schema " + schema + " does not exist in database "
          + secret.dbname() + " at " + secret.host() + ":" + secret.port() + ", or the runner's user has no USAGE on"
          + " it: nothing was applied. The runner never creates a tenant's schema; create it where the tenant is"
          + " provisioned (CREATE SCHEMA " + schema + " AUTHORIZATION <the secret's user>)", null);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // Refused anyway; the session ends with the socket.
    }
  }

  /**
   * The driver's messages for authentication failures name the user; ours name only the SQLState.
   * 28P01 is a wrong password, 28000 a rejected role or pg_hba entry.
   */
  private static ConnectionFailedException classify(SQLException e, DatabaseSecret secret) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = secret.host() + ":" + secret.port() + "/" + secret.dbname();
    if (state.startsWith("28")) {
      return new ConnectionFailedException(Reason.AUTH_FAILED,
          "the database rejected the credentials from the secret (SQLState " + state + ") at " + where, state);
    }
    return new ConnectionFailedException(Reason.CONNECTION_FAILED,
        "could not connect to " + where + " (SQLState " + (state.isEmpty() ? "none" : state) + "): "
            + firstLine(e.getMessage()), state.isEmpty() ? null : state);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
