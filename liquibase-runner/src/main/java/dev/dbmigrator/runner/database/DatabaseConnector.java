package dev.dbmigrator.runner.database;

import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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

  public DatabaseConnector(String sslMode, Duration connectTimeout) {
    this.sslMode = sslMode;
    this.connectTimeout = connectTimeout;
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
    // The migration lock belongs to this session. If this process dies while its backend is busy in a long
    // statement, the backend notices only when it next touches the socket; these make it look every 2 s
    // (PostgreSQL 14+) and probe an idle peer within about 25 s, so the orphan aborts and frees the lock.
    props.setProperty("options", "-c client_connection_check_interval=2000"
        + " -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3");
    try {
      return DriverManager.getConnection(jdbcUrl(secret), props);
    } catch (SQLException e) {
      throw classify(e, secret);
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
