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
import java.util.stream.Collectors;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.command.CommandScope;
import liquibase.command.core.ChangelogSyncCommandStep;
import liquibase.command.core.ChangelogSyncSqlCommandStep;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateSqlCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.exception.ChangeLogParseException;
import liquibase.exception.MigrationFailedException;
import liquibase.exception.ValidationFailedException;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Runs Liquibase for one changelog folder over an open connection: {@code update}, a dry run, or marking
 * changesets as applied. Every path starts from {@link #open}: the one place that builds the Database and parses
 * the changelog, with the run's contexts, labels and explicit parameters set before parsing. {@link #runUpdate}
 * is the one place that runs {@code update}.
 */
public final class LiquibaseMigration {
  static {
    LiquibaseLogging.route();
    FrozenLiquibaseConfiguration.install();
  }

  private final ChangelogFolder folder;
  private final Duration lockWaitBudget;
  private final TimeBudget timeBudget;
  private final Filter filter;
  private final Map<String, String> parameters;
  private LockTimeouts lockTimeouts = LockTimeouts.DEFAULT;
  private SessionOpener samplerSessions;
  private dev.dbmigrator.runner.fastpath.FingerprintWriter fingerprint;
  private String schema;

  /** Liquibase contexts and label expression; null for none. */
  public record Filter(String contexts, String labels) {
    public static final Filter NONE = new Filter(null, null);
  }

  public LiquibaseMigration(ChangelogFolder folder, Duration lockWaitBudget) {
    this(folder, lockWaitBudget, Deadline.NONE, Duration.ZERO, Filter.NONE, Map.of());
  }

  public LiquibaseMigration(ChangelogFolder folder, Duration lockWaitBudget, Deadline deadline, Duration reserve,
      Filter filter) {
    this(folder, lockWaitBudget, deadline, reserve, filter, Map.of());
  }

  /**
   * @param parameters the changelog parameters given explicitly; with the changelog's own properties, the only
   *     values {@code ${…}} resolves to (never environment variables or system properties)
   */
  public LiquibaseMigration(ChangelogFolder folder, Duration lockWaitBudget, Deadline deadline, Duration reserve,
      Filter filter, Map<String, String> parameters) {
    this.folder = folder;
    this.filter = filter;
    this.parameters = Map.copyOf(parameters);
    this.lockWaitBudget = lockWaitBudget;
    this.timeBudget = new TimeBudget(deadline, reserve);
  }

  /**
   * The lock_timeout of transactional changesets and its retries (see {@link LockTimeouts}).
   *
   * @param samplerSessions opens the extra session that names a blocker while a changeset waits; null for none
   */
  public LiquibaseMigration withLockTimeouts(LockTimeouts timeouts, SessionOpener samplerSessions) {
    this.lockTimeouts = timeouts;
    this.samplerSessions = samplerSessions;
    return this;
  }

  public MigrationOutcome update(Connection connection) {
    return update(connection, null);
  }

  /**
   * A schema-per-tenant target: Liquibase's default and history schema is {@code schema}, and the migration lock
   * key is the schema's ({@link MigrationLockKey}). The connection's search_path must already be that schema
   * alone (see {@link dev.dbmigrator.runner.database.DatabaseConnector#inSchema}), so the runner's own tables land
   * there too. Null (the default) leaves everything as it is.
   */
  public LiquibaseMigration withSchema(String schema) {
    this.schema = schema;
    return this;
  }

  /** Records the fingerprint after an update that leaves nothing pending; null records none. */
  public LiquibaseMigration withFingerprint(dev.dbmigrator.runner.fastpath.FingerprintWriter writer) {
    this.fingerprint = writer;
    return this;
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
    return inScope(connection, () -> writingNothing(connection, () -> planInScope(connection)));
  }

  /**
   * Liquibase's changelog-sync: records pending changesets in DATABASECHANGELOG as applied without running them,
   * for a schema built by hand or by another tool. Never automatic; only a person asks for it.
   *
   * @param upTo {@code file::id::author} of the last changeset to mark, or null for all pending ones
   * @param dryRun print the SQL that would record them, and write nothing
   */
  public MigrationOutcome markApplied(Connection connection, String upTo, boolean dryRun) {
    return markApplied(connection, null, upTo, dryRun);
  }

  /** As {@link #markApplied(Connection, String, boolean)}, holding DATABASECHANGELOGLOCK on {@code lockSession}. */
  public MigrationOutcome markApplied(Connection connection, Connection lockSession, String upTo, boolean dryRun) {
    long started = System.nanoTime();
    return inScope(connection, dryRun
        ? () -> writingNothing(connection, () -> markAppliedInScope(connection, upTo, true))
        : () -> holdingChangelogLock(lockSession, started, () -> markAppliedInScope(connection, upTo, false)));
  }

  /** Other Liquibase clients wait on DATABASECHANGELOGLOCK while {@code work} writes history rows. */
  private MigrationOutcome holdingChangelogLock(Connection lockSession, long started,
      Scope.ScopedRunnerWithReturn<MigrationOutcome> work) throws Exception {
    if (lockSession == null) {
      return work.run();
    }
    try (ChangelogLockRow row = ChangelogLockRow.hold(lockSession, lockWaitBudget, started)) {
      return work.run();
    } catch (ChangelogLockRow.HeldByForeignClient e) {
      return MigrationOutcome.notStarted(Reason.FOREIGN_LOCK, e.getMessage(), null);
    }
  }

  private static MigrationOutcome writingNothing(Connection connection,
      Scope.ScopedRunnerWithReturn<MigrationOutcome> dryRun) throws Exception {
    DryRunHistoryTable table = DryRunHistoryTable.before(connection);
    try {
      return dryRun.run();
    } finally {
      table.dropIfCreatedEmpty(connection);
    }
  }

  /**
   * Holds the session lock around all of Liquibase's work: its DATABASECHANGELOG table is created before its
   * own lock service is asked, so concurrent first runs would otherwise race to create it.
   */
  private MigrationOutcome inScope(Connection connection, Scope.ScopedRunnerWithReturn<MigrationOutcome> work) {
    try (SessionLock lock = SessionLock.await(connection, lockWaitBudget, MigrationLockKey.of(schema))) {
      return Scope.child(scopeValues(), () -> {
        LiquibaseUpToDateCache.forget();
        return work.run();
      });
    } catch (SessionLock.LockTimeoutException e) {
      return MigrationOutcome.notStarted(Reason.LOCK_TIMEOUT, e.getMessage(), null);
    } catch (Exception e) {
      return MigrationOutcome.notStarted(Reason.INTERNAL, "Liquibase could not start: " + rootMessage(e), null);
    }
  }

  private Map<String, Object> scopeValues() throws Exception {
    Map<String, Object> values = scopeValues(folder);
    values.put(MigrationLockKey.SCOPE_KEY, MigrationLockKey.of(schema));
    return values;
  }

  /** The Liquibase scope every use of a changelog runs in: the update, the dry run and the lint alike. */
  static Map<String, Object> scopeValues(ChangelogFolder folder) throws java.io.FileNotFoundException {
    Map<String, Object> values = new HashMap<>();
    values.put(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(folder.root()));
    // Since 4.30 Liquibase calls home with a 1.5 s timeout; inside a VPC with no egress it can only cost time.
    values.put("liquibase.analytics.enabled", false);
    // Liquibase's console output would interleave with the JSON a local run prints on stdout.
    values.put(Scope.Attr.ui.name(), new LoggerUIService());
    // Liquibase logs a few lines per changeset: straight to the JSON log, not through java.util.logging and a bridge.
    values.put(Scope.Attr.logService.name(), LiquibaseLogService.INSTANCE);
    return values;
  }

  /**
   * What every run starts from: the Database, the parameters, the changelog parsed with them, and the changesets
   * this run would apply (read before anything is written).
   */
  private record Opened(Database database, ChangeLogParameters parameters, DatabaseChangeLog changeLog,
      List<ChangeSet> pending, String serverVersion) {
    int total() {
      return changeLog.getChangeSets().size();
    }
  }

  /** The run cannot start; carries the outcome to record. */
  private static final class NotOpened extends Exception {
    private final transient MigrationOutcome outcome;

    NotOpened(MigrationOutcome outcome) {
      super(outcome.message());
      this.outcome = outcome;
    }
  }

  /**
   * The one place that builds Liquibase's Database over the run's connection: a connection whose commits
   * {@link AtomicChangesets} can hold, so a changeset and its history row commit together.
   */
  private Database database(Connection connection) throws Exception {
    Database database =
        DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new HeldCommitConnection(connection));
    if (schema != null) {
      database.setDefaultSchemaName(schema);
      database.setLiquibaseSchemaName(schema);
    }
    return database;
  }

  private Opened open(Connection connection) throws Exception {
    Database database = database(connection);
    String serverVersion = serverVersion(connection);
    ChangeLogParameters changeLogParameters = ExplicitParameters.create(database, filter, parameters);
    DatabaseChangeLog changeLog;
    try {
      changeLog = DatabaseChangelogCommandStep.getDatabaseChangeLog(folder.masterFile(), changeLogParameters,
          database);
    } catch (Exception e) {
      throw new NotOpened(MigrationOutcome.notStarted(Reason.INVALID_CHANGELOG,
          "the changelog cannot be read: " + oneLine(rootMessage(e)), serverVersion));
    }
    List<ChangeSet> pending;
    try {
      pending = PendingChangesets.of(changeLog, database, filter);
    } catch (Exception e) {
      Failure failure = classify(e);
      throw new NotOpened(new MigrationOutcome(failure.reason(), failure.message(), changeLog.getChangeSets().size(),
          List.of(), null, null, serverVersion, null));
    }
    Opened opened = new Opened(database, changeLogParameters, changeLog, pending, serverVersion);
    refuseUnresolvedParameters(opened);
    return opened;
  }

  /** A changeset selected for this run that still holds a {@code ${…}} fails the run before anything runs. */
  private void refuseUnresolvedParameters(Opened opened) throws NotOpened {
    Map<String, String> unresolved = new UnresolvedPlaceholders(opened.database()).find(opened.pending());
    if (unresolved.isEmpty()) {
      return;
    }
    String names = unresolved.entrySet().stream()
        .map(e -> "${" + e.getKey() + "} (first in " + e.getValue() + ")")
        .collect(Collectors.joining(", "));
    throw new NotOpened(new MigrationOutcome(Reason.INVALID_CHANGELOG,
        "the changelog uses parameter(s) that have no value: " + names + "; give each one in CHANGELOG_PARAMETERS"
            + " (the construct's changelog parameters) or with --parameter NAME=VALUE, or as a property of the"
            + " changelog. Environment variables and system properties never resolve ${…}. Nothing was applied",
        opened.total(), List.of(), ids(opened.pending()), null, opened.serverVersion(), null));
  }

  private MigrationOutcome planInScope(Connection connection) throws Exception {
    Opened opened;
    try {
      opened = open(connection);
    } catch (NotOpened e) {
      return e.outcome;
    }
    MigrationOutcome foreignHistory = refuseForeignHistory(connection, opened);
    if (foreignHistory != null) {
      return foreignHistory;
    }
    ByteArrayOutputStream sql = new ByteArrayOutputStream();
    try {
      new CommandScope(UpdateSqlCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, opened.database())
          .addArgumentValue(UpdateSqlCommandStep.CHANGELOG_FILE_ARG, folder.masterFile())
          .addArgumentValue(UpdateSqlCommandStep.CONTEXTS_ARG, filter.contexts())
          .addArgumentValue(UpdateSqlCommandStep.LABEL_FILTER_ARG, filter.labels())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, opened.changeLog())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, opened.parameters())
          .setOutput(sql)
          .execute();
    } catch (Exception e) {
      Failure failure = classify(e);
      return new MigrationOutcome(failure.reason(), failure.message(), opened.total(), List.of(),
          ids(opened.pending()), null, opened.serverVersion(), null);
    }
    List<String> pending = ids(opened.pending());
    return new MigrationOutcome(Reason.DRY_RUN, "dry run: " + pending.size()
        + " changeset(s) would be applied; nothing was applied", opened.total(), List.of(), pending, null,
        opened.serverVersion(), sql.toString(StandardCharsets.UTF_8));
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
    } catch (NotOpened e) {
      return e.outcome;
    }
    if (lockSession == null) {
      return updateOpened(connection, opened);
    }
    try (ChangelogLockRow row = ChangelogLockRow.hold(lockSession, lockWaitBudget, started)) {
      return updateOpened(connection, opened);
    } catch (ChangelogLockRow.HeldByForeignClient e) {
      return new MigrationOutcome(Reason.FOREIGN_LOCK, e.getMessage(), opened.total(), List.of(),
          ids(opened.pending()), null, opened.serverVersion(), null);
    }
  }

  private MigrationOutcome updateOpened(Connection connection, Opened opened) throws Exception {
    MigrationOutcome foreignHistory = refuseForeignHistory(connection, opened);
    if (foreignHistory != null) {
      return foreignHistory;
    }
    String interrupted = InterruptedChangesets.check(connection);
    if (interrupted != null) {
      return new MigrationOutcome(Reason.INTERRUPTED_CHANGESET, interrupted, opened.total(), List.of(),
          ids(opened.pending()), null, opened.serverVersion(), null);
    }

    AppliedChangesetRecorder recorder = new AppliedChangesetRecorder(timeBudget, lockTimeouts);
    LockRetries lockRetries = new LockRetries(lockTimeouts, timeBudget, samplerSessions);
    Reason reason = null;
    String message;
    try {
      lockRetries.run(connection, recorder, () -> runUpdate(opened, recorder));
      message = recorder.applied().isEmpty()
          ? "the database is up to date"
          : "applied " + recorder.applied().size() + " changeset(s)";
    } catch (Exception e) {
      Failure failure = classify(e);
      reason = failure.reason();
      message = failure.message();
    } finally {
      AtomicChangesets.abandonHeld(opened.database());
    }
    List<String> pending = null;
    try {
      pending = ids(PendingChangesets.of(opened.changeLog(), opened.database(), filter));
    } catch (Exception e) {
      // The connection may be gone (the failure that ended the update): the count is unknown, not zero.
      message += "; the pending changesets could not be listed afterwards (" + oneLine(rootMessage(e)) + ")";
    }
    if (fingerprint != null) {
      // Still inside the migration lock and DATABASECHANGELOGLOCK: the history is the one just verified.
      fingerprint.afterUpdate(connection, opened.changeLog(), opened.total(), reason == null, pending);
    }
    String failed = reason == Reason.CHANGESET_FAILED || reason == Reason.LOCK_CONTENDED ? recorder.failed() : null;
    return new MigrationOutcome(reason, message, opened.total(), recorder.applied(), pending, failed,
        opened.serverVersion(), null, lockRetries.retries(), lockRetries.blockers());
  }

  /**
   * HISTORY_MISMATCH when the history records this changelog under other paths; null when it does not. Which
   * changesets are pending is then unknown (Liquibase would call every mismatched one pending), so the count is
   * null, never a guess.
   */
  private MigrationOutcome refuseForeignHistory(Connection connection, Opened opened) throws SQLException {
    String why = HistoryGuard.check(opened.changeLog().getChangeSets(), HistoryGuard.recorded(connection),
        folder.masterFile());
    return why == null ? null : new MigrationOutcome(Reason.HISTORY_MISMATCH, why, opened.total(), List.of(),
        null, null, opened.serverVersion(), null);
  }

  /** The one place that runs Liquibase's {@code update}, over the changelog and parameters of {@link #open}. */
  private void runUpdate(Opened opened, ChangeExecListener listener) throws Exception {
    new CommandScope(UpdateCommandStep.COMMAND_NAME)
        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, opened.database())
        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, folder.masterFile())
        .addArgumentValue(UpdateCommandStep.CONTEXTS_ARG, filter.contexts())
        .addArgumentValue(UpdateCommandStep.LABEL_FILTER_ARG, filter.labels())
        .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, opened.changeLog())
        .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, opened.parameters())
        .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, listener)
        .setOutput(OutputStream.nullOutputStream())
        .execute();
  }

  private MigrationOutcome markAppliedInScope(Connection connection, String upTo, boolean dryRun) throws Exception {
    Opened opened;
    try {
      opened = open(connection);
    } catch (NotOpened e) {
      return e.outcome;
    }
    MarkApplied.Selection selection;
    try {
      selection = MarkApplied.select(opened.changeLog(), opened.database(), filter, upTo);
    } catch (IllegalArgumentException e) {
      return new MigrationOutcome(Reason.INVALID_CHANGELOG, e.getMessage(), opened.total(), List.of(),
          ids(opened.pending()), null, opened.serverVersion(), null);
    }
    ByteArrayOutputStream sql = new ByteArrayOutputStream();
    try {
      new CommandScope(dryRun ? ChangelogSyncSqlCommandStep.COMMAND_NAME : ChangelogSyncCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, opened.database())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_FILE_ARG, folder.masterFile())
          .addArgumentValue(DatabaseChangelogCommandStep.CONTEXTS_ARG, filter.contexts())
          .addArgumentValue(DatabaseChangelogCommandStep.LABEL_FILTER_ARG, filter.labels())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, selection.changeLog())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, opened.parameters())
          .setOutput(dryRun ? sql : OutputStream.nullOutputStream())
          .execute();
    } catch (Exception e) {
      Failure failure = classify(e);
      return new MigrationOutcome(failure.reason(), failure.message(), opened.total(), List.of(),
          ids(opened.pending()), null, opened.serverVersion(), null);
    }
    List<String> marked = ids(selection.toMark());
    if (dryRun) {
      return new MigrationOutcome(Reason.DRY_RUN, "dry run of mark-applied: " + marked.size()
          + " changeset(s) would be recorded as applied without running them; nothing was written",
          opened.total(), List.of(), marked, null, opened.serverVersion(), sql.toString(StandardCharsets.UTF_8));
    }
    List<String> pending = null;
    String message = "marked " + marked.size() + " changeset(s) as applied without running them (changelog-sync)";
    try {
      pending = ids(PendingChangesets.of(opened.changeLog(), opened.database(), filter));
    } catch (Exception e) {
      message += "; the pending changesets could not be listed afterwards (" + oneLine(rootMessage(e)) + ")";
    }
    return new MigrationOutcome(null, message, opened.total(), marked, pending, null, opened.serverVersion(), null);
  }

  private static List<String> ids(List<ChangeSet> changeSets) {
    return changeSets.stream().map(ChangesetIds::of).toList();
  }

  private record Failure(Reason reason, String message) {}

  private static Failure classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LockRetries.Contended) {
        return new Failure(Reason.LOCK_CONTENDED, t.getMessage());
      }
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
