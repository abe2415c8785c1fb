package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.gate.CloudFormationGate;
import dev.dbmigrator.runner.gate.GateVerdict;
import dev.dbmigrator.runner.recording.EventBridgePublisher;
import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.SsmResultStore;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.secret.SecretUnavailableException;
import dev.dbmigrator.runner.secret.SecretsManagerSecretSource;
import dev.dbmigrator.runner.support.TestMoto;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The runner's real AWS calls, through the real SDK and HTTP, against moto on loopback. */
class AwsCallsAgainstMotoTest {
  private final TestMoto moto = TestMoto.get();
  private final String unique = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void secretsManagerGetSecretValue() throws Exception {
    SecretsManagerClient client = moto.client(SecretsManagerClient.builder());
    String arn = client.createSecret(r -> r.name("db-" + unique).secretString(
        "{\"host\":\"db.internal\",\"port\":5432,\"username\":\"app\",\"password\":\"pw-" + unique + "\",\"dbname\":\"demo\"}")).arn();

    DatabaseSecret secret = new SecretsManagerSecretSource(client, arn).fetch();

    assertEquals("db.internal", secret.host());
    assertEquals("demo", secret.dbname());
  }

  @Test
  void secretsManagerMissingSecret() {
    SecretsManagerClient client = moto.client(SecretsManagerClient.builder());
    String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-" + unique;

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class,
        () -> new SecretsManagerSecretSource(client, arn).fetch());
    assertEquals("secret " + arn + " does not exist", e.getMessage());
  }

  @Test
  void ssmPutParameterOverwritesAndKeepsHistory() throws Exception {
    SsmClient ssm = moto.client(SsmClient.builder());
    String name = "/db-migrator/it-" + unique + "/demo/last-result";
    SsmResultStore store = new SsmResultStore(ssm, name);

    store.put("{\"run\":1}");
    store.put("{\"run\":2}");

    assertEquals("{\"run\":2}", ssm.getParameter(r -> r.name(name)).parameter().value());
    assertEquals(2, ssm.getParameterHistory(r -> r.name(name)).parameters().size());
  }

  @Test
  void ssmRefusalIsARecordingFailure() {
    // A name under the reserved /aws prefix is refused by SSM (and by moto), as a wrongly configured name would be.
    SsmResultStore store = new SsmResultStore(moto.client(SsmClient.builder()), "/aws/reserved-" + unique);

    RecordingException e = assertThrows(RecordingException.class, () -> store.put("{}"));
    assertTrue(e.getMessage().startsWith("SSM PutParameter on"), e.getMessage());
  }

  @Test
  void eventBridgePutEventsOnTheBus() throws Exception {
    EventBridgeClient events = moto.client(EventBridgeClient.builder());
    events.createEventBus(r -> r.name("bus-" + unique));

    new EventBridgePublisher(events, "bus-" + unique, "db-migrator").publish("Database Migration Succeeded", "{\"a\":1}");
  }

  @Test
  void eventBridgeOnAMissingBusIsARecordingFailure() {
    EventBridgePublisher publisher =
        new EventBridgePublisher(moto.client(EventBridgeClient.builder()), "no-such-bus-" + unique, "db-migrator");

    assertThrows(RecordingException.class, () -> publisher.publish("Database Migration Failed", "{}"));
  }

  @Test
  void cloudFormationDescribeStacksGatesOnTheCurrentStatus() {
    CloudFormationClient cfn = moto.client(CloudFormationClient.builder());
    String name = "app-" + unique;
    String stackId = cfn.createStack(r -> r.stackName(name).templateBody(
        "{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}}")).stackId();
    CloudFormationGate gate = new CloudFormationGate(cfn, WatchedStacks.parse(stackId));

    GateVerdict verdict = gate.check(new Trigger(Trigger.Type.CLOUDFORMATION, "e", stackId, name, "CREATE_COMPLETE",
        null, false, null));
    assertNull(verdict.reason(), verdict.message());
    assertEquals("CREATE_COMPLETE", verdict.currentStatus());

    GateVerdict replay = gate.check(new Trigger(Trigger.Type.REPLAY, "e", null, name, null, null, false, null));
    assertEquals(stackId, replay.stackId(), "a replay is resolved to the stack id");

    cfn.deleteStack(r -> r.stackName(stackId));
    GateVerdict deleted = gate.check(new Trigger(Trigger.Type.CLOUDFORMATION, "e", stackId, name, "UPDATE_COMPLETE",
        null, false, null));
    assertEquals(Reason.STACK_GONE, deleted.reason(), deleted.message());
  }

  @Test
  void cloudFormationUnknownStackIsGone() {
    CloudFormationClient cfn = moto.client(CloudFormationClient.builder());
    String id = "arn:aws:cloudformation:us-east-1:123456789012:stack/never-" + unique + "/x";

    GateVerdict verdict = new CloudFormationGate(cfn, WatchedStacks.parse(id))
        .check(new Trigger(Trigger.Type.CLOUDFORMATION, "e", id, "never-" + unique, "UPDATE_COMPLETE", null, false, null));

    assertEquals(Reason.STACK_GONE, verdict.reason(), verdict.message());
  }
}
