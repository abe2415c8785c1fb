package dev.dbmigrator.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.database.ConnectionFailedException;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.database.ResumingConnector;
import dev.dbmigrator.runner.fastpath.ChangelogChecksums;
import dev.dbmigrator.runner.fastpath.FastPath;
import dev.dbmigrator.runner.fastpath.FingerprintKey;
import dev.dbmigrator.runner.gate.GateVerdict;
import dev.dbmigrator.runner.gate.StackGate;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.Deadline;
import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.migration.LockTimeouts;
import dev.dbmigrator.runner.migration.MigrationOutcome;
import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.MigrationResult.ChangelogInfo;
import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import dev.dbmigrator.runner.result.MigrationResult.DatabaseInfo;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.secret.SecretSource;
import dev.dbmigrator.runner.secret.SecretUnavailableException;
import dev.dbmigrator.runner.trigger.ParsedTrigger;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.TriggerParser;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run, from trigger to record: parse, fetch the credentials, connect, update, record. Every path ends in a
 * MigrationResult; only a failure to record it anywhere escapes as an exception.
 */
public final class MigrationRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
  public static final Duration DEFAULT_LOCK_WAIT_BUDGET = Duration.ofSeconds(60);
  /** Enough to record the result after the last changeset that may start. */
  public static final Duration DEFAULT_TIME_RESERVE = Duration.ofSeconds(60);
  /** Aurora resumes from 0 ACU in about 15 s, or about 30 s after a long pause: twice that and some. */
  public static final Duration DEFAULT_CONNECT_BUDGET = Duration.ofSeconds(90);
  private static final DateTimeFormatter MILLIS_UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final TriggerParser parser;
  private final StackGate gate;
  private final SecretSource secrets;
  private final ChangelogFolder changelog;
  private final ResultRecorder recorder;
  private final Clock clock;
  private final Duration lockWaitBudget;
  private ResumingConnector resumingConnector;
  private String schema;
  private Duration timeReserve;
  private LiquibaseMigration.Filter filter = LiquibaseMigration.Filter.NONE;
  private java.util.Map<String, String> parameters = java.util.Map.of();
  private MarkAppliedRequest markApplied;
  private LockTimeouts lockTimeouts = LockTimeouts.DEFAULT;
  private FastPath fastPath = new FastPath(true, new ChangelogChecksums());

  public MigrationRunner(TriggerParser parser, StackGate gate, SecretSource secrets, DatabaseConnector connector,
      ChangelogFolder changelog, ResultRecorder recorder, Clock clock) {
    this(parser, gate, secrets, connector, changelog, recorder, clock, DEFAULT_LOCK_WAIT_BUDGET,
        DEFAULT_CONNECT_BUDGET);
  }

  public MigrationRunner(TriggerParser parser, StackGate gate, SecretSource secrets, DatabaseConnector connector,
      ChangelogFolder changelog, ResultRecorder recorder, Clock clock, Duration lockWaitBudget,
      Duration connectBudget) {
    this.gate = gate;
    this.timeReserve = DEFAULT_TIME_RESERVE;
    this.lockWaitBudget = lockWaitBudget;
    this.resumingConnector = new ResumingConnector(connector, connectBudget);
    this.parser = parser;
    this.secrets = secrets;
    this.changelog = changelog;
    this.recorder = recorder;
    this.clock = clock;
  }

  public MigrationResult run(JsonNode event) throws RecordingException {
    return run(event, Deadline.NONE);
  }

  /** @param deadline the invocation's remaining time; no changeset starts inside the time reserve. */
  public MigrationResult run(JsonNode event, Deadline deadline) throws RecordingException {
    return run(() -> parser.parse(event), deadline);
  }

  /**
   * A run of a trigger parsed and gated elsewhere: a fleet target's, whose gate ran once for the whole fleet.
   * The stack gate this runner was built with still decides, so its caller passes one that proceeds.
   */
  public MigrationResult run(Trigger trigger, Deadline deadline) throws RecordingException {
    return run(() -> new ParsedTrigger.Accepted(trigger), deadline);
  }

  private MigrationResult run(java.util.function.Supplier<ParsedTrigger> trigger, Deadline deadline)
      throws RecordingException {
    Run run = new Run(UUID.randomUUID().toString(), clock.instant());
    MigrationResult result;
    try {
      result = migrate(run, trigger.get(), deadline);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure in run {}", run.id, e);
      result = run.finish(Status.FAILED, Reason.INTERNAL, "internal error: " + e.getClass().getSimpleName(),
          null, DatabaseInfo.UNKNOWN, null);
    }
    return record(result);
  }

  /**
   * A run refused before it could start, for a reason only its caller can see (a fleet target that is not in the
   * manifest): FAILED, built and recorded like every other result.
   */
  public MigrationResult refuse(Reason reason, String message, Trigger trigger) throws RecordingException {
    Run run = new Run(UUID.randomUUID().toString(), clock.instant());
    return record(run.finish(Status.FAILED, reason, message, trigger, DatabaseInfo.UNKNOWN, null));
  }

  private MigrationResult record(MigrationResult result) throws RecordingException {
    MigrationResult recorded = recorder.record(result);
    LOG.info("run {} finished: {} {} ({} applied, {} pending) in {} ms", recorded.runId(), recorded.status(),
        recorded.reason() == null ? "" : recorded.reason(), recorded.applied().count(),
        recorded.pending().known() ? recorded.pending().count() : "unknown",
        recorded.durationMs());
    return recorded;
  }

  private MigrationResult migrate(Run run, ParsedTrigger parsed, Deadline deadline) {
    Trigger trigger = parsed.trigger();
    if (parsed instanceof ParsedTrigger.Rejected rejected) {
      Status status = rejected.reason() == Reason.INVALID_EVENT ? Status.FAILED : Status.SKIPPED;
      return run.finish(status, rejected.reason(), rejected.message(), trigger, DatabaseInfo.UNKNOWN, null);
    }
    if (trigger.type() != Trigger.Type.LOCAL) {
      GateVerdict verdict = gate.check(trigger);
      if (!verdict.proceeds()) {
        Status status = verdict.reason() == Reason.GATE_UNAVAILABLE ? Status.FAILED : Status.SKIPPED;
        return run.finish(status, verdict.reason(), verdict.message(), trigger, DatabaseInfo.UNKNOWN, null);
      }
    }
    DatabaseSecret secret;
    try {
      secret = secrets.fetch();
    } catch (SecretUnavailableException e) {
      return run.finish(Status.FAILED, Reason.SECRET_UNAVAILABLE, e.getMessage(), trigger, DatabaseInfo.UNKNOWN, null);
    }
    DatabaseInfo database = new DatabaseInfo(secret.host(), secret.port(), secret.dbname(), null);
    Connection connection;
    try {
      connection = resumingConnector.connect(secret, secrets);
    } catch (ConnectionFailedException e) {
      return run.finish(Status.FAILED, e.reason(), e.getMessage(), trigger, database, null);
    } catch (SecretUnavailableException e) {
      return run.finish(Status.FAILED, Reason.SECRET_UNAVAILABLE, e.getMessage(), trigger, database, null);
    }
    FingerprintKey key = fastPath.key(changelog, run.changelogChecksum(), filter.contexts(), filter.labels(),
        parameters);
    if (!trigger.dryRun() && markApplied == null) {
      Integer total = fastPath.upToDate(connection, key);
      if (total != null) {
        MigrationOutcome upToDate = new MigrationOutcome(null, "the database is up to date (the fingerprint of the"
            + " last verified run matches; Liquibase was not started)", total, List.of(), List.of(), null,
            serverVersion(connection), null);
        closeQuietly(connection);
        return run.finish(Status.SUCCEEDED, null, upToDate.message(), trigger,
            new DatabaseInfo(secret.host(), secret.port(), secret.dbname(), upToDate.serverVersion()), upToDate,
            true);
      }
    }
    MigrationOutcome outcome;
    Connection lockSession = null;
    try {
      if (!trigger.dryRun()) {
        // A second session of the same credentials holds DATABASECHANGELOGLOCK against other Liquibase clients.
        lockSession = resumingConnector.connect(secret, secrets);
      }
      LiquibaseMigration migration =
          new LiquibaseMigration(changelog, lockWaitBudget, deadline, timeReserve, filter, parameters)
              .withSchema(schema)
              .withLockTimeouts(lockTimeouts, () -> resumingConnector.connect(secret, secrets))
              .withFingerprint(fastPath.writer(key));
      if (markApplied != null && trigger.type() == Trigger.Type.LOCAL) {
        outcome = migration.markApplied(connection, lockSession, markApplied.upTo(), trigger.dryRun());
      } else {
        outcome = trigger.dryRun() ? migration.plan(connection) : migration.update(connection, lockSession);
      }
    } catch (ConnectionFailedException e) {
      return run.finish(Status.FAILED, e.reason(), e.getMessage(), trigger, database, null);
    } catch (SecretUnavailableException e) {
      return run.finish(Status.FAILED, Reason.SECRET_UNAVAILABLE, e.getMessage(), trigger, database, null);
    } finally {
      closeQuietly(connection);
      if (lockSession != null) {
        closeQuietly(lockSession);
      }
    }
    database = new DatabaseInfo(secret.host(), secret.port(), secret.dbname(), outcome.serverVersion());
    if (outcome.planned()) {
      // The preview in the result is cut to fit 4 KB; the log keeps all of it.
      LOG.info("dry run of run {}: the SQL that update would run:\n{}", run.id, outcome.plannedSql());
    }
    Status status = outcome.succeeded() ? Status.SUCCEEDED
        : outcome.planned() ? Status.PLANNED
        // Another run holds the lock and is doing this very work; it records its own result.
        : outcome.reason() == Reason.LOCK_TIMEOUT ? Status.SKIPPED
        : Status.FAILED;
    return run.finish(status, outcome.reason(), outcome.message(), trigger, database, outcome);
  }

  /**
   * Whether a run may answer "nothing to do" from the fingerprint without starting Liquibase (on by default),
   * and whether full runs record it.
   */
  public MigrationRunner withFastPath(boolean enabled) {
    this.fastPath = new FastPath(enabled, new ChangelogChecksums());
    return this;
  }

  /** As {@link #withFastPath(boolean)}, sharing a checksum cache that outlives this runner. */
  public MigrationRunner withFastPath(FastPath fastPath) {
    this.fastPath = fastPath;
    return this;
  }

  private static String serverVersion(Connection connection) {
    try {
      // pgJDBC answers from the server's start-up parameters: no query.
      return connection.getMetaData().getDatabaseProductVersion();
    } catch (java.sql.SQLException e) {
      return null;
    }
  }

    /** How much of the invocation's time to keep: no changeset starts once less than this is left. */
  public MigrationRunner withTimeReserve(Duration reserve) {
    this.timeReserve = reserve;
    return this;
  }

  /** Explicit changelog parameters: with the changelog's own properties, all that {@code ${…}} resolves to. */
  public MigrationRunner withParameters(java.util.Map<String, String> parameters) {
    this.parameters = java.util.Map.copyOf(parameters);
    return this;
  }

  /**
   * Makes a LOCAL run mark changesets as applied without running them (Liquibase's changelog-sync) in place of
   * update. Only a person asks for this, on a workstation; no event can.
   *
   * @param upTo {@code file::id::author} of the last changeset to mark, or null for every pending one
   */
  public record MarkAppliedRequest(String upTo) {}

  public MigrationRunner withMarkApplied(MarkAppliedRequest request) {
    this.markApplied = request;
    return this;
  }

  /** The lock_timeout of transactional changesets, their statement_timeout, and the lock retry budget. */
  public MigrationRunner withLockTimeouts(LockTimeouts timeouts) {
    this.lockTimeouts = timeouts;
    return this;
  }

  /**
   * A schema-per-tenant target: every session's search_path is {@code schema} alone, Liquibase's tables and the
   * runner's own live there, and the migration lock is the schema's. A missing schema fails the run
   * (SCHEMA_MISSING). Null, the default, changes nothing.
   */
  public MigrationRunner withSchema(String schema) {
    this.resumingConnector = resumingConnector.inSchema(schema);
    this.schema = schema;
    return this;
  }

  /** Liquibase contexts and labels that select the changesets this runner applies. */
  public MigrationRunner withFilter(LiquibaseMigration.Filter filter) {
    this.filter = filter;
    return this;
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (java.sql.SQLException e) {
      LOG.warn("closing the database connection failed: {}", e.getMessage());
    }
  }

  /** The clock and identity of one run. */
  private final class Run {
    private final String id;
    private final Instant startedAt;

    /** Taken once per run: a writable folder is hashed afresh on each run, and the result and the key share it. */
    private String changelogChecksum;

    Run(String id, Instant startedAt) {
      this.id = id;
      this.startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    String changelogChecksum() {
      if (changelogChecksum == null) {
        changelogChecksum = fastPath.checksum(changelog);
      }
      return changelogChecksum;
    }

    MigrationResult finish(Status status, Reason reason, String message, Trigger trigger, DatabaseInfo database,
        MigrationOutcome outcome) {
      return finish(status, reason, message, trigger, database, outcome, false);
    }

    MigrationResult finish(Status status, Reason reason, String message, Trigger trigger, DatabaseInfo database,
        MigrationOutcome outcome, boolean answeredByFastPath) {
      Instant finishedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      Integer total = outcome == null ? null : outcome.totalChangesets();
      return new MigrationResult(
          MigrationResult.SCHEMA_VERSION,
          id,
          status,
          reason,
          message,
          (trigger == null ? new Trigger(Trigger.Type.CLOUDFORMATION, null, null, null, null, null, false, null)
              : trigger).toInfo(),
          database,
          new ChangelogInfo(changelog.masterFile(), changelogChecksum(), total),
          ChangesetList.of(outcome == null ? List.of() : outcome.applied()),
          outcome == null ? ChangesetList.UNKNOWN : ChangesetList.ofKnown(outcome.pending()),
          outcome == null ? null : outcome.failedChangeset(),
          MILLIS_UTC.format(startedAt),
          MILLIS_UTC.format(finishedAt),
          finishedAt.toEpochMilli() - startedAt.toEpochMilli(),
          RunnerInfo.current(answeredByFastPath),
          outcome == null ? null : outcome.plannedSql(),
          List.of(),
          outcome == null ? null : outcome.lockRetries(),
          outcome == null ? List.of() : outcome.blockers().stream().map(b -> new MigrationResult.BlockerInfo(
              b.pid(), b.applicationName(), b.state(), b.transactionAgeMs())).toList());
    }
  }
}
