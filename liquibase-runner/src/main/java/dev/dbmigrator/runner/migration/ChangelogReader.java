package dev.dbmigrator.runner.migration;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;

/**
 * Opens a changelog the way a run does, for tools that read it without migrating (the lint): the same search
 * path rooted at the changelog folder, the same contexts, labels and explicit parameters set before parsing (so
 * environment variables never resolve {@code ${…}}), the same pending-changeset filters and the same refusal of
 * unresolved parameters.
 */
public final class ChangelogReader {
  static {
    LiquibaseLogging.route();
    FrozenLiquibaseConfiguration.install();
  }

  private final ChangelogFolder folder;
  private final LiquibaseMigration.Filter filter;
  private final Map<String, String> parameters;

  /** A changelog parsed over one connection. */
  public record Opened(Database database, ChangeLogParameters parameters, DatabaseChangeLog changeLog) {}

  /** The changelog cannot be read, or names a parameter that has no value. */
  public static final class UnreadableChangelogException extends Exception {
    public UnreadableChangelogException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public ChangelogReader(ChangelogFolder folder, LiquibaseMigration.Filter filter, Map<String, String> parameters) {
    this.folder = folder;
    this.filter = filter;
    this.parameters = Map.copyOf(parameters);
  }

  public ChangelogFolder folder() {
    return folder;
  }

  public LiquibaseMigration.Filter filter() {
    return filter;
  }

  /** Runs {@code work} in the Liquibase scope a run uses: the folder's search path, no analytics, no console. */
  public <T> T inScope(Scope.ScopedRunnerWithReturn<T> work) throws Exception {
    return Scope.child(LiquibaseMigration.scopeValues(folder), work);
  }

  /** Parses the changelog over {@code connection}; call inside {@link #inScope}. */
  public Opened open(Connection connection) throws Exception {
    Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
    ChangeLogParameters changeLogParameters = ExplicitParameters.create(database, filter, parameters);
    DatabaseChangeLog changeLog;
    try {
      changeLog = DatabaseChangelogCommandStep.getDatabaseChangeLog(folder.masterFile(), changeLogParameters,
          database);
    } catch (Exception e) {
      throw new UnreadableChangelogException("the changelog cannot be read: " + rootMessage(e), e);
    }
    return new Opened(database, changeLogParameters, changeLog);
  }

  /** The changesets {@code update} would run on the opened database now, in order; reads DATABASECHANGELOG only. */
  public List<ChangeSet> pending(Opened opened) throws Exception {
    return PendingChangesets.of(opened.changeLog(), opened.database(), filter);
  }

  /** Refuses selected changesets that still hold a {@code ${…}} with no value, as a run does. */
  public void refuseUnresolvedParameters(Opened opened, List<ChangeSet> selected)
      throws UnreadableChangelogException {
    Map<String, String> unresolved = new UnresolvedPlaceholders(opened.database()).find(selected);
    if (!unresolved.isEmpty()) {
      throw new UnreadableChangelogException("the changelog uses parameter(s) that have no value: "
          + unresolved.entrySet().stream()
              .map(e -> "${" + e.getKey() + "} (first in " + e.getValue() + ")")
              .collect(Collectors.joining(", "))
          + "; give each one with --parameter NAME=VALUE or as a property of the changelog", null);
    }
  }

  /** {@code file::id::author}, as DATABASECHANGELOG keys a changeset. */
  public static String id(ChangeSet changeSet) {
    return ChangesetIds.of(changeSet);
  }

  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }
}
