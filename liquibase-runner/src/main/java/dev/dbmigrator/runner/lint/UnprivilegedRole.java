package dev.dbmigrator.runner.lint;

import dev.dbmigrator.runner.secret.DatabaseSecret;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The role the lint reads a changelog as, in the throwaway database: it can log in, and nothing more. Not a
 * superuser, no CREATEDB or CREATEROLE, not the database's owner, member of no role: so a precondition's
 * {@code sqlCheck}, which Liquibase does execute during update-sql, cannot run {@code COPY … FROM PROGRAM}, read
 * server files or reach outside the database. Its one grant is CREATE on the throwaway database's public schema,
 * where Liquibase creates its history table before it writes SQL out.
 */
final class UnprivilegedRole {
  private UnprivilegedRole() {}

  /** Creates the role over a superuser connection to the throwaway database and returns how to log in as it. */
  static DatabaseSecret create(Connection admin, DatabaseSecret adminSecret) throws SQLException {
    SecureRandom random = new SecureRandom();
    String name = "db_migrator_lint_" + HexFormat.of().formatHex(random.generateSeed(4));
    byte[] secret = new byte[18];
    random.nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    try (Statement statement = admin.createStatement()) {
      // Hex names and passwords: nothing to quote.
      statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "' NOSUPERUSER NOCREATEDB"
          + " NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT");
      statement.execute("GRANT CREATE ON SCHEMA public TO " + name);
    }
    return new DatabaseSecret(adminSecret.host(), adminSecret.port(), name, password, adminSecret.dbname());
  }

  /** Drops the role and what it created (Liquibase's history tables), leaving the throwaway database as it was. */
  static void drop(Connection admin, DatabaseSecret role) throws SQLException {
    try (Statement statement = admin.createStatement()) {
      statement.execute("DROP OWNED BY " + role.username());
      statement.execute("DROP ROLE " + role.username());
    }
  }
}
