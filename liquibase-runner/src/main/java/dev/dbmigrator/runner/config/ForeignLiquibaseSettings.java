package dev.dbmigrator.runner.config;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Refuses Liquibase's own configuration channels: {@code LIQUIBASE_*} environment variables and {@code liquibase.*}
 * Java system properties. Liquibase reads them behind the runner's back, for settings the runner's other parts
 * assume fixed: contexts and labels (a run with LIQUIBASE_COMMAND_CONTEXTS applied one selection and reported
 * another as pending), the changelog file and search path (the recorded paths), the history table's name and
 * schema (the runner's own queries), whether a missing {@code ${…}} is an error. Honouring each one consistently
 * would mean re-reading every one of them in every part of the runner; refusing them leaves one source of
 * settings: the runner's own CHANGELOG_* variables and flags.
 */
public final class ForeignLiquibaseSettings {
  /** Read by the runner's log configuration as the Liquibase logger's level, the meaning Liquibase gives it too. */
  private static final List<String> ALLOWED = List.of("LIQUIBASE_LOG_LEVEL");

  private ForeignLiquibaseSettings() {}

  /** @throws IllegalStateException naming every foreign setting found, and what to use instead */
  public static void refuse(Map<String, String> environment, Properties systemProperties) {
    TreeSet<String> found = new TreeSet<>();
    environment.keySet().stream()
        .filter(name -> name.toUpperCase(java.util.Locale.ROOT).startsWith("LIQUIBASE_") && !ALLOWED.contains(name))
        .forEach(found::add);
    systemProperties.stringPropertyNames().stream()
        .filter(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("liquibase."))
        .map(name -> "-D" + name)
        .forEach(found::add);
    if (found.isEmpty()) {
      return;
    }
    throw new IllegalStateException("Liquibase's own settings are not used by the runner, and these are set: "
        + String.join(", ", found) + ". Unset them. Contexts, labels, parameters and the changelog are the runner's"
        + " settings: CHANGELOG_DIR, CHANGELOG_FILE, CHANGELOG_CONTEXTS, CHANGELOG_LABELS, CHANGELOG_PARAMETERS"
        + " (LIQUIBASE_CONTEXTS and LIQUIBASE_LABELS were renamed to CHANGELOG_CONTEXTS and CHANGELOG_LABELS);"
        + " locally --changelog, --changelog-file, --contexts, --labels, --parameter");
  }
}
