package dev.dbmigrator.runner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.RunnerConfig;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.fastpath.FastPath;
import dev.dbmigrator.runner.gate.GateVerdict;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.migration.Deadline;
import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.secret.SecretSource;
import dev.dbmigrator.runner.secret.SecretUnavailableException;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.TriggerParser;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fleet target's run: resolve the id against the manifest, then the single runner's code path with that
 * target's secret, database and schema. The result is returned, never stored or published: the Map's
 * ResultWriter keeps it. Every outcome it can reach is a result; only a bug escapes as an exception.
 */
public final class FleetTargetRun {
  private static final Logger LOG = LoggerFactory.getLogger(FleetTargetRun.class);
  /** The fleet's gate ran once, as the state machine's first step; a target never asks CloudFormation again. */
  private static final dev.dbmigrator.runner.gate.StackGate GATED_BY_THE_FLEET =
      trigger -> GateVerdict.proceed(trigger.stackStatus(), null);
  private static final Trigger UNREADABLE =
      new Trigger(Trigger.Type.CLOUDFORMATION, null, null, null, null, null, false, null);
  private static final SecretSource NO_SECRET = () -> {
    throw new SecretUnavailableException("the run was refused before it needed credentials");
  };

  private final RunnerConfig config;
  private final ManifestSource manifest;
  private final Function<FleetTarget, SecretSource> secrets;
  private final DatabaseConnector connector;
  private final ChangelogFolder changelog;
  private final FastPath fastPath;
  private final Clock clock;

  /**
   * @param secrets the credentials of one target (Secrets Manager in Lambda)
   * @param fastPath shared by every run of this JVM, so the changelog's checksum is computed once
   */
  public FleetTargetRun(RunnerConfig config, ManifestSource manifest, Function<FleetTarget, SecretSource> secrets,
      DatabaseConnector connector, FastPath fastPath, Clock clock) {
    this.config = config;
    this.manifest = manifest;
    this.secrets = secrets;
    this.connector = connector;
    this.changelog = new ChangelogFolder(config.changelogDir(), config.changelogFile());
    this.fastPath = fastPath;
    this.clock = clock;
  }

  /** @return the target's MigrationResult JSON, with {@code target} */
  public String run(JsonNode input, Deadline deadline) {
    FleetTargetRequest request = FleetTargetRequest.parse(input);
    if (request instanceof FleetTargetRequest.Invalid invalid) {
      // No run id could be trusted either: the result keeps the one the runner made.
      return TargetResultJson.toJson(refuse(Reason.INVALID_EVENT, invalid.message(), UNREADABLE),
          invalid.targetId(), null);
    }
    FleetTargetRequest.Valid valid = (FleetTargetRequest.Valid) request;
    Optional<FleetTarget> target;
    try {
      target = manifest.read().find(valid.targetId());
    } catch (ManifestException e) {
      return TargetResultJson.toJson(refuse(e.reason(), e.getMessage(), valid.trigger()).withRunId(valid.runId()),
          valid.targetId(), null);
    }
    if (target.isEmpty()) {
      return TargetResultJson.toJson(refuse(Reason.UNKNOWN_TARGET, "target " + valid.targetId() + " is not in the"
          + " fleet manifest (removed since the rollout started?): nothing was applied", valid.trigger())
          .withRunId(valid.runId()), valid.targetId(), null);
    }
    FleetTarget resolved = target.get();
    LOG.info("fleet run {}: target {} is database {}{}", valid.runId(), resolved.id(), resolved.databaseName(),
        resolved.schema() == null ? "" : ", schema " + resolved.schema());
    try {
      MigrationResult result = runner(secrets.apply(resolved)).withSchema(resolved.schema())
          .run(valid.trigger(), deadline);
      return TargetResultJson.toJson(result.withRunId(valid.runId()), resolved.id(), resolved.schema());
    } catch (RecordingException e) {
      throw new IllegalStateException("a fleet target's run records nothing, so it cannot fail to", e);
    }
  }

  private MigrationResult refuse(Reason reason, String message, Trigger trigger) {
    try {
      return runner(NO_SECRET).refuse(reason, message, trigger);
    } catch (RecordingException e) {
      throw new IllegalStateException("a fleet target's run records nothing, so it cannot fail to", e);
    }
  }

  private MigrationRunner runner(SecretSource secret) {
    return config.configure(new MigrationRunner(
        // Never asked: a target's trigger is the gate's, already parsed (run(Trigger) and refuse take it as is).
        new TriggerParser(null),
        GATED_BY_THE_FLEET,
        secret,
        connector,
        changelog,
        new ResultRecorder(ReturnedOnly.STORE, ReturnedOnly.PUBLISHER),
        clock,
        config.lockWaitBudget(),
        config.connectBudget()))
        .withFastPath(fastPath);
  }
}
