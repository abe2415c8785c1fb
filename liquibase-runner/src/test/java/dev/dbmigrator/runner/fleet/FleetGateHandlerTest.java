package dev.dbmigrator.runner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.support.RunnerFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.Stack;

@SuppressWarnings("unchecked")
class FleetGateHandlerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, String> ENV =
      Map.of("WATCHED_STACKS", RunnerFixture.WATCHED_STACK_ID, "FLEET_NAME", "tenants");
  private final CloudFormationClient cfn = mock(CloudFormationClient.class);
  private final FleetGateHandler handler = new FleetGateHandler(ENV, cfn);

  private void stackIs(String status) {
    when(cfn.describeStacks(any(Consumer.class))).thenReturn(DescribeStacksResponse.builder().stacks(Stack.builder()
        .stackId(RunnerFixture.WATCHED_STACK_ID).stackName("cf-event-testing").stackStatus(status).build()).build());
  }

  private JsonNode decide(String input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    JsonNode decision = MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    java.util.Set<String> keys = new java.util.HashSet<>();
    decision.fieldNames().forEachRemaining(keys::add);
    assertEquals(java.util.Set.of("migrate", "dryRun", "runId", "trigger", "targetIds", "reason", "message"), keys);
    assertTrue(decision.get("runId").asText().matches(FleetTargetRequest.RUN_ID.pattern()));
    return decision;
  }

  private static ObjectNode fleetReplay(String stackName, boolean dryRun) {
    ObjectNode event = (ObjectNode) RunnerFixture.replay(stackName, dryRun);
    event.put("detail-type", "Fleet Migration Replay Requested");
    return event;
  }

  @Test
  void aDeployOfTheWatchedStackMigratesEveryTarget() throws Exception {
    stackIs("UPDATE_COMPLETE");

    JsonNode decision = decide(RunnerFixture.updateComplete().toString());

    assertTrue(decision.get("migrate").asBoolean());
    assertFalse(decision.get("dryRun").asBoolean());
    assertTrue(decision.get("targetIds").isNull(), "null: every target of the manifest");
    assertTrue(decision.get("reason").isNull());
    assertEquals("{\"kind\":\"stack-status-change\",\"stackName\":\"cf-event-testing\",\"stackStatus\":\"UPDATE_COMPLETE\"}",
        decision.get("trigger").toString());
    verify(cfn, times(1)).describeStacks(any(Consumer.class));
  }

  @Test
  void aStackChangingAgainIsSkippedOnceForTheWholeFleet() throws Exception {
    stackIs("UPDATE_IN_PROGRESS");

    JsonNode decision = decide(RunnerFixture.updateComplete().toString());

    assertFalse(decision.get("migrate").asBoolean());
    assertEquals("STACK_IN_PROGRESS", decision.get("reason").asText());
    assertEquals("UPDATE_IN_PROGRESS", decision.get("trigger").get("stackStatus").asText());
  }

  @Test
  void aFleetReplayCarriesItsTargetIdsAndDryRun() throws Exception {
    stackIs("UPDATE_COMPLETE");
    ObjectNode event = fleetReplay("cf-event-testing", true);
    ((ObjectNode) event.get("detail")).putArray("targetIds").add("tenant-007").add("tenant-011");

    JsonNode decision = decide(event.toString());

    assertTrue(decision.get("migrate").asBoolean());
    assertTrue(decision.get("dryRun").asBoolean());
    assertEquals("[\"tenant-007\",\"tenant-011\"]", decision.get("targetIds").toString());
    assertEquals("replay", decision.get("trigger").get("kind").asText());
  }

  @Test
  void aSingleDatabaseReplayRequestDoesNotStartTheFleet() throws Exception {
    JsonNode decision = decide(RunnerFixture.replay("cf-event-testing", false).toString());

    assertFalse(decision.get("migrate").asBoolean());
    assertEquals("NOT_A_TRIGGER", decision.get("reason").asText());
    verify(cfn, never()).describeStacks(any(Consumer.class));
  }

  @Test
  void badTargetIdsAreAnInvalidEventAndCloudFormationIsNotAsked() throws Exception {
    for (String ids : new String[] {"[]", "[\"ok\",\"ok\"]", "[\"../x\"]", "\"tenant-1\""}) {
      ObjectNode event = fleetReplay("cf-event-testing", false);
      ((ObjectNode) event.get("detail")).set("targetIds", MAPPER.readTree(ids));

      JsonNode decision = decide(event.toString());

      assertFalse(decision.get("migrate").asBoolean(), ids);
      assertEquals("INVALID_EVENT", decision.get("reason").asText(), ids);
    }
    verify(cfn, never()).describeStacks(any(Consumer.class));
  }

  @Test
  void aReplayMayNotCarryOtherKeys() throws Exception {
    ObjectNode event = fleetReplay("cf-event-testing", false);
    ((ObjectNode) event.get("detail")).put("secretArn", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:x");

    JsonNode decision = decide(event.toString());

    assertEquals("INVALID_EVENT", decision.get("reason").asText());
  }

  @Test
  void cloudFormationDownIsGateUnavailable() throws Exception {
    when(cfn.describeStacks(any(Consumer.class))).thenThrow(SdkClientException.create("no route"));

    JsonNode decision = decide(RunnerFixture.updateComplete().toString());

    assertFalse(decision.get("migrate").asBoolean());
    assertEquals("GATE_UNAVAILABLE", decision.get("reason").asText());
  }

  @Test
  void inputThatIsNotJsonIsAnInvalidEvent() throws Exception {
    JsonNode decision = decide("not json");

    assertFalse(decision.get("migrate").asBoolean());
    assertEquals("INVALID_EVENT", decision.get("reason").asText());
  }

  @Test
  void configurationIsCheckedAtStart() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new FleetGateHandler(Map.of("WATCHED_STACKS", RunnerFixture.WATCHED_STACK_ID), cfn));
    assertTrue(e.getMessage().contains("FLEET_NAME"), e.getMessage());
  }
}
