package dev.dbmigrator.runner.fastpath;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The runner's and Liquibase's versions, read without loading a Liquibase class: the fast path must not start
 * Liquibase, and Liquibase's own LiquibaseUtil reads the same resource of its jar.
 */
public final class Versions {
  public static final String RUNNER = "0.1.0";
  private static final String LIQUIBASE = read();

  private Versions() {}

  public static String liquibase() {
    return LIQUIBASE;
  }

  private static String read() {
    try (InputStream in = Versions.class.getClassLoader().getResourceAsStream("liquibase.build.properties")) {
      if (in == null) {
        return "UNKNOWN";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("build.version", "UNKNOWN");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Liquibase's build properties", e);
    }
  }
}
