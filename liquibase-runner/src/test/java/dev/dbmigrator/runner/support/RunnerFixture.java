package dev.dbmigrator.runner.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.gate.GateVerdict;
import dev.dbmigrator.runner.gate.StackGate;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.secret.EndpointOverride;
import dev.dbmigrator.runner.trigger.TriggerParser;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Builds a runner wired to a real PostgreSQL and in-memory records, as the Lambda wires it to AWS. */
public final class RunnerFixture {
  public static final String WATCHED_STACK_ID =
      "arn:aws:cloudformation:eu-west-3:123456789012:stack/cf-event-testing/dca9d690-12fc-11ed-acb4-0e99ce9abea2";

  public final RecordingFakes.Store store = new RecordingFakes.Store();
  public final RecordingFakes.Publisher events = new RecordingFakes.Publisher();
  /** The stack's current status as the gate sees it; by default the stack is stable. */
  public StackGate gate = trigger -> GateVerdict.proceed("UPDATE_COMPLETE", trigger.stackId());

  public MigrationRunner runner(Path changelog, String secretJson) {
    return runner(changelog, secretJson, Duration.ofSeconds(3));
  }

  public MigrationRunner runner(Path changelog, String secretJson, Duration connectBudget) {
    return runner(changelog, secretJson, connectBudget, null);
  }

  /** @param hostOverride the DB_HOST the Lambda may be given in place of the secret's host */
  public MigrationRunner runner(Path changelog, String secretJson, Duration connectBudget, String hostOverride) {
    return runner(new ChangelogFolder(changelog), secretJson, connectBudget, hostOverride);
  }

  /** A runner over a changelog folder with a master file of its own choosing. */
  public MigrationRunner runner(ChangelogFolder changelog, String secretJson) {
    return runner(changelog, secretJson, Duration.ofSeconds(3), null);
  }

  public MigrationRunner runner(ChangelogFolder changelog, String secretJson, Duration connectBudget,
      String hostOverride) {
    return new MigrationRunner(
        new TriggerParser(WatchedStacks.parse(WATCHED_STACK_ID)),
        trigger -> gate.check(trigger),
        EndpointOverride.apply(() -> DatabaseSecret.fromJson(secretJson), hostOverride, null),
        new DatabaseConnector("disable", Duration.ofSeconds(10)),
        changelog,
        new ResultRecorder(store, events),
        Clock.systemUTC(),
        Duration.ofSeconds(60),
        connectBudget);
  }

  /** A runner as LocalMain wires it: it accepts the local trigger, and skips the stack gate. */
  public MigrationRunner localRunner(ChangelogFolder changelog, String secretJson) {
    return new MigrationRunner(
        new TriggerParser(dev.dbmigrator.runner.local.LocalTriggerAccess.WATCHED, true),
        trigger -> gate.check(trigger),
        () -> DatabaseSecret.fromJson(secretJson),
        new DatabaseConnector("disable", Duration.ofSeconds(10)),
        changelog,
        new ResultRecorder(store, events),
        Clock.systemUTC(),
        Duration.ofSeconds(60),
        Duration.ofSeconds(3));
  }

  /** The captured UPDATE_COMPLETE event of the watched stack. */
  public static JsonNode updateComplete() {
    return fixture("stack-update-complete.captured.json");
  }

  public static JsonNode withStatus(String status) {
    ObjectNode event = (ObjectNode) updateComplete();
    ((ObjectNode) event.get("detail").get("status-details")).put("status", status);
    return event;
  }

  public static JsonNode replay(String stackName, Boolean dryRun) {
    ObjectNode event = new ObjectMapper().createObjectNode()
        .put("version", "0").put("id", "5f2a2f0e-1111-2222-3333-444455556666")
        .put("detail-type", "Migration Replay Requested").put("source", "db-migrator.replay")
        .put("account", "123456789012").put("time", "2026-11-24T10:00:00Z").put("region", "eu-west-3");
    ObjectNode detail = event.putObject("detail").put("stackName", stackName).put("reason", "after restore");
    if (dryRun != null) {
      detail.put("dryRun", dryRun);
    }
    return event;
  }

  public static JsonNode fixture(String name) {
    try {
      return new ObjectMapper().readTree(Files.readString(RepoPaths.fixture(name)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
