package dev.dbmigrator.runner.migration;

import dev.dbmigrator.runner.result.Reason;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateSqlCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.ChangeLogParseException;
import liquibase.exception.MigrationFailedException;
import liquibase.exception.ValidationFailedException;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;

/** Runs Liquibase {@code update} for one changelog folder over an open connection. */
public final class LiquibaseMigration {
  static {
    LiquibaseLogging.route();
  }

  private final ChangelogFolder folder;
  private final Duration lockWaitBudget;
  private final TimeBudget timeBudget;

  private final Filter filter;

  /** Liquibase contexts and label expression; null for none. */
  public record Filter(String contexts, String labels) {
    public static final Filter NONE = new Filter(null, null);
  }

  public LiquibaseMigration(ChangelogFolder folder, Duration lockWaitBudget) {
    this(folder, lockWaitBudget, Deadline.NONE, Duration.ZERO, Filter.NONE);
  }

  public LiquibaseMigration(ChangelogFolder folder, Duration lockWaitBudget, Deadline deadline, Duration reserve,
      Filter filter) {
    this.folder = folder;
    this.filter = filter;
    this.lockWaitBudget = lockWaitBudget;
    this.timeBudget = new TimeBudget(deadline, reserve);
  }

  public MigrationOutcome update(Connection connection) {
    return update(connection, null);
  }

  /**
   * @param lockSession a second session of the runner's, used only to hold DATABASECHANGELOGLOCK against other
   *     Liquibase clients while the update runs (see {@link ChangelogLockRow}); null to leave that table alone
   */
  public MigrationOutcome update(Connection connection, Connection lockSession) {
    long started = System.nanoTime();
    return inScope(connection, () -> updateInScope(connection, lockSession, started));
  }

  /**
   * A dry run: the pending changesets and the SQL that update would run, from Liquibase's updateSql. Nothing is
   * applied; DATABASECHANGELOG is only read.
   */
  public MigrationOutcome plan(Connection connection) {
    return inScope(connection, () -> planInScope(connection));
  }

  /**
   * Holds the session lock around all of Liquibase's work: its DATABASECHANGELOG table is created before its
   * own lock service is asked, so concurrent first runs would otherwise race to create it.
   */
  private MigrationOutcome inScope(Connection connection, Scope.ScopedRunnerWithReturn<MigrationOutcome> work) {
    try (SessionLock lock = SessionLock.await(connection, lockWaitBudget)) {
      return Scope.child(scopeValues(), work);
    } catch (SessionLock.LockTimeoutException e) {
      return new MigrationOutcome(Reason.LOCK_TIMEOUT, e.getMessage(), null, List.of(), List.of(), null, null, null);
    } catch (Exception e) {
      return new MigrationOutcome(Reason.INTERNAL, "Liquibase could not start: " + rootMessage(e), null,
          List.of(), List.of(), null, null, null);
    }
  }

  private Map<String, Object> scopeValues() throws Exception {
    Map<String, Object> values = new HashMap<>();
    values.put(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(folder.root()));
    // Since 4.30 Liquibase calls home with a 1.5 s timeout; inside a VPC with no egress it can only cost time.
    values.put("liquibase.analytics.enabled", false);
    // Liquibase's console output would interleave with the JSON a local run prints on stdout.
    values.put(Scope.Attr.ui.name(), new LoggerUIService());
    return values;
  }

  /** The database, Liquibase over the changelog folder, and the parsed changelog: what both runs start from. */
  private record Opened(Database database, Liquibase liquibase, DatabaseChangeLog changeLog, String serverVersion) {}

  /** The changelog could not be parsed; carries the INVALID_CHANGELOG outcome to record. */
  private static final class UnreadableChangelog extends Exception {
    private final transient MigrationOutcome outcome;

    UnreadableChangelog(MigrationOutcome outcome) {
      super(outcome.message());
      this.outcome = outcome;
    }
  }

  private Opened open(Connection connection) throws Exception {
    Database database = DatabaseFactory.getInstance()
        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
    String serverVersion = serverVersion(connection);
    Liquibase liquibase = new Liquibase(folder.masterFile(), Scope.getCurrentScope().getResourceAccessor(), database);
    try {
      return new Opened(database, liquibase, liquibase.getDatabaseChangeLog(), serverVersion);
    } catch (Exception e) {
      throw new UnreadableChangelog(new MigrationOutcome(Reason.INVALID_CHANGELOG,
          "the changelog cannot be read: " + rootMessage(e), null, List.of(), List.of(), null, serverVersion, null));
    }
  }

  private MigrationOutcome planInScope(Connection connection) throws Exception {
    Opened opened;
    try {
      opened = open(connection);
    } catch (UnreadableChangelog e) {
      return e.outcome;
    }
    Database database = opened.database();
    Liquibase liquibase = opened.liquibase();
    DatabaseChangeLog changeLog = opened.changeLog();
    String serverVersion = opened.serverVersion();
    MigrationOutcome foreignHistory = HistoryGuard.refusal(connection, changeLog, folder.masterFile(), serverVersion);
    if (foreignHistory != null) {
      return foreignHistory;
    }
    ByteArrayOutputStream sql = new ByteArrayOutputStream();
    try {
      new CommandScope(UpdateSqlCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
          .addArgumentValue(UpdateSqlCommandStep.CHANGELOG_FILE_ARG, folder.masterFile())
          .addArgumentValue(UpdateSqlCommandStep.CONTEXTS_ARG, filter.contexts())
          .addArgumentValue(UpdateSqlCommandStep.LABEL_FILTER_ARG, filter.labels())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, changeLog)
          .setOutput(sql)
          .execute();
    } catch (Exception e) {
      Failure failure = classify(e);
      return new MigrationOutcome(failure.reason(), failure.message(), changeLog.getChangeSets().size(), List.of(),
          pending(liquibase), null, serverVersion, null);
    }
    // On a database never migrated, Liquibase's own listing would create its tables: a dry run must not.
    List<String> pending = hasChangelogTable(connection)
        ? pending(liquibase)
        : changeLog.getChangeSets().stream().map(ChangesetIds::of).toList();
    return new MigrationOutcome(Reason.DRY_RUN, "dry run: " + pending.size()
        + " changeset(s) would be applied; nothing was applied", changeLog.getChangeSets().size(), List.of(),
        pending, null, serverVersion, sql.toString(StandardCharsets.UTF_8));
  }

  /**
   * Parses first, as the stock CLI does, so an unreadable changelog leaves no trace; then, when there is a lock
   * session, holds DATABASECHANGELOGLOCK against other Liquibase clients around all the rest.
   */
  private MigrationOutcome updateInScope(Connection connection, Connection lockSession, long started)
      throws Exception {
    Opened opened;
    try {
      opened = open(connection);
    } catch (UnreadableChangelog e) {
      return e.outcome;
    }
    if (lockSession == null) {
      return updateOpened(connection, opened);
    }
    try (ChangelogLockRow row = ChangelogLockRow.hold(lockSession, lockWaitBudget, started)) {
      return updateOpened(connection, opened);
    } catch (ChangelogLockRow.HeldByForeignClient e) {
      return new MigrationOutcome(Reason.FOREIGN_LOCK, e.getMessage(), null, List.of(), List.of(), null,
          opened.serverVersion(), null);
    }
  }

  private MigrationOutcome updateOpened(Connection connection, Opened opened) throws Exception {
    Database database = opened.database();
    Liquibase liquibase = opened.liquibase();
    DatabaseChangeLog changeLog = opened.changeLog();
    String serverVersion = opened.serverVersion();
    int total = changeLog.getChangeSets().size();
    MigrationOutcome foreignHistory = HistoryGuard.refusal(connection, changeLog, folder.masterFile(), serverVersion);
    if (foreignHistory != null) {
      return foreignHistory;
    }

    AppliedChangesetRecorder recorder = new AppliedChangesetRecorder(timeBudget);
    Reason reason = null;
    String message;
    try {
      new CommandScope(UpdateCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
          .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, folder.masterFile())
          .addArgumentValue(UpdateCommandStep.CONTEXTS_ARG, filter.contexts())
          .addArgumentValue(UpdateCommandStep.LABEL_FILTER_ARG, filter.labels())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, changeLog)
          .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, recorder)
          .setOutput(OutputStream.nullOutputStream())
          .execute();
      message = recorder.applied().isEmpty()
          ? "the database is up to date"
          : "applied " + recorder.applied().size() + " changeset(s)";
    } catch (Exception e) {
      Failure failure = classify(e);
      reason = failure.reason();
      message = failure.message();
    }
    List<String> pending = pending(liquibase);
    String failed = reason == Reason.CHANGESET_FAILED ? recorder.failed() : null;
    return new MigrationOutcome(reason, message, total, recorder.applied(), pending, failed, serverVersion, null);
  }

  private List<String> pending(Liquibase liquibase) {
    try {
      return liquibase.listUnrunChangeSets(new Contexts(filter.contexts()), new LabelExpression(filter.labels()))
          .stream()
          .map(ChangesetIds::of).toList();
    } catch (Exception e) {
      // The connection may be gone (the failure that ended the update); the counts then cannot be read.
      return List.of();
    }
  }

  private record Failure(Reason reason, String message) {}

  private static Failure classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeBudget.Exhausted) {
        return new Failure(Reason.TIME_BUDGET, t.getMessage());
      }
      if (t instanceof ValidationFailedException v) {
        List<String> drifted = v.getInvalidMD5Sums();
        if (drifted != null && !drifted.isEmpty()) {
          return new Failure(Reason.CHECKSUM_MISMATCH, "applied changeset(s) were edited afterwards: "
              + String.join("; ", drifted.stream().map(String::trim).toList()));
        }
        return new Failure(Reason.INVALID_CHANGELOG, "the changelog is not valid: " + oneLine(v.getMessage()));
      }
      if (t instanceof ChangeLogParseException) {
        return new Failure(Reason.INVALID_CHANGELOG, "the changelog cannot be read: " + oneLine(t.getMessage()));
      }
      if (t instanceof MigrationFailedException) {
        return new Failure(Reason.CHANGESET_FAILED, oneLine(rootMessage(t)));
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return new Failure(Reason.CONNECTION_FAILED, "the connection broke: " + oneLine(sql.getMessage()));
      }
    }
    return new Failure(Reason.INTERNAL, "Liquibase failed: " + oneLine(rootMessage(e)));
  }

  private static boolean hasChangelogTable(Connection connection) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT to_regclass('databasechangelog') IS NOT NULL");
        var rows = statement.executeQuery()) {
      rows.next();
      return rows.getBoolean(1);
    }
  }

  private static String serverVersion(Connection connection) {
    try {
      return connection.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      return null;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").trim();
  }
}
