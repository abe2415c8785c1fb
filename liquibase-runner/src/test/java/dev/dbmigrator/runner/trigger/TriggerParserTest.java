package dev.dbmigrator.runner.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.support.RunnerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TriggerParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TriggerParser parser = new TriggerParser(WatchedStacks.parse(
      RunnerFixture.WATCHED_STACK_ID + ",arn:aws:cloudformation:us-west-1:111122223333:stack/teststack/"));

  @Test
  void acceptsTheCapturedUpdateCompleteEvent() {
    Trigger trigger = accepted(RunnerFixture.updateComplete());

    assertEquals(Trigger.Type.CLOUDFORMATION, trigger.type());
    assertEquals("a952e2a6-392c-1b6d-0f4d-9dbdec50f3b5", trigger.eventId());
    assertEquals(RunnerFixture.WATCHED_STACK_ID, trigger.stackId());
    assertEquals("cf-event-testing", trigger.stackName());
    assertEquals("UPDATE_COMPLETE", trigger.stackStatus());
    assertEquals("2022-08-03T07:25:22Z", trigger.time());
  }

  @Test
  void aDocumentedEventWithoutGuidIsNotWatchedByAPrefixThatNeedsOne() {
    // The docs sample's ARN lacks the trailing "/<guid>", so the name prefix "…/teststack/" does not match it,
    // exactly as the EventBridge rule's prefix would not.
    rejected(RunnerFixture.fixture("stack-create-complete.docs.json"), Reason.NOT_A_TRIGGER);
  }

  @Test
  void aPrefixWatchesEveryIncarnationOfAStackName() {
    ObjectNode event = (ObjectNode) RunnerFixture.fixture("stack-create-complete.docs.json");
    ((ObjectNode) event.get("detail")).put("stack-id",
        "arn:aws:cloudformation:us-west-1:111122223333:stack/teststack/0b1a7e00-0000-11ee-8000-000000000000");
    assertEquals("teststack", accepted(event).stackName());
  }

  @Test
  void aResourceEventIsNotATrigger() {
    rejected(RunnerFixture.fixture("resource-create-complete.docs.json"), Reason.NOT_A_TRIGGER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"CREATE_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE", "DELETE_COMPLETE", "UPDATE_FAILED"})
  void otherStatusesAreNotTriggers(String status) {
    rejected(RunnerFixture.withStatus(status), Reason.NOT_A_TRIGGER);
  }

  @Test
  void anUnknownStatusIsInvalid() {
    rejected(RunnerFixture.withStatus("MADE_UP"), Reason.INVALID_EVENT);
  }

  @Test
  void anUnwatchedStackIsNotATrigger() {
    ObjectNode event = (ObjectNode) RunnerFixture.updateComplete();
    ((ObjectNode) event.get("detail")).put("stack-id",
        "arn:aws:cloudformation:eu-west-3:123456789012:stack/other/dca9d690-12fc-11ed-acb4-0e99ce9abea2");
    ParsedTrigger.Rejected rejected = rejected(event, Reason.NOT_A_TRIGGER);
    assertEquals("stack other is not watched", rejected.message());
  }

  @Test
  void aSpoofedSourceIsNotATrigger() {
    ObjectNode event = (ObjectNode) RunnerFixture.updateComplete();
    event.put("source", "my.app");
    rejected(event, Reason.NOT_A_TRIGGER);
  }

  @Test
  void acceptsAReplayOfAWatchedStack() {
    Trigger trigger = accepted(RunnerFixture.replay("cf-event-testing", true));

    assertEquals(Trigger.Type.REPLAY, trigger.type());
    assertEquals("cf-event-testing", trigger.stackName());
    assertNull(trigger.stackId());
    assertTrue(trigger.dryRun());
    assertEquals("after restore", trigger.reason());
  }

  @Test
  void aReplayOfAnUnknownStackIsNotATrigger() {
    rejected(RunnerFixture.replay("someone-elses-stack", false), Reason.NOT_A_TRIGGER);
  }

  @Test
  void aReplayCannotChooseTheChangelogOrTheDatabase() {
    ObjectNode event = (ObjectNode) RunnerFixture.replay("cf-event-testing", false);
    ((ObjectNode) event.get("detail")).put("changelog", "/tmp/evil.yaml");
    rejected(event, Reason.INVALID_EVENT);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "null", "[]", "\"text\"", "{}", "{\"source\": 42, \"detail-type\": \"x\"}",
      "{\"source\":\"aws.cloudformation\",\"detail-type\":\"CloudFormation Stack Status Change\"}",
      "{\"source\":\"aws.cloudformation\",\"detail-type\":\"CloudFormation Stack Status Change\",\"id\":\"1\","
          + "\"time\":\"yesterday\",\"detail\":{}}",
      "{\"source\":\"aws.cloudformation\",\"detail-type\":\"CloudFormation Stack Status Change\",\"id\":\"1\","
          + "\"time\":\"2026-01-01T00:00:00Z\",\"detail\":{\"stack-id\":\"not-an-arn\","
          + "\"status-details\":{\"status\":\"UPDATE_COMPLETE\"}}}",
      "{\"source\":\"db-migrator.replay\",\"detail-type\":\"Migration Replay Requested\",\"id\":\"1\","
          + "\"time\":\"2026-01-01T00:00:00Z\",\"detail\":{\"stackName\":\"bad name!\"}}",
      "{\"source\":\"db-migrator.replay\",\"detail-type\":\"Migration Replay Requested\",\"id\":\"1\","
          + "\"time\":\"2026-01-01T00:00:00Z\",\"detail\":{\"stackName\":\"cf-event-testing\",\"dryRun\":\"yes\"}}"
  })
  void malformedEventsAreInvalid(String json) throws Exception {
    JsonNode event = JSON.readTree(json);
    rejected(event, Reason.INVALID_EVENT);
  }

  @Test
  void watchedStacksMustBeStackArns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WatchedStacks.parse("my-stack"));
    assertTrue(e.getMessage().contains("my-stack"));
  }

  private Trigger accepted(JsonNode event) {
    return assertInstanceOf(ParsedTrigger.Accepted.class, parser.parse(event)).trigger();
  }

  private ParsedTrigger.Rejected rejected(JsonNode event, Reason reason) {
    ParsedTrigger.Rejected rejected = assertInstanceOf(ParsedTrigger.Rejected.class, parser.parse(event));
    assertEquals(reason, rejected.reason(), rejected.message());
    return rejected;
  }
}
