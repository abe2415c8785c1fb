package dev.dbmigrator.runner.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;

@SuppressWarnings("unchecked")
class GateTest {
  private static final String OTHER_INCARNATION =
      "arn:aws:cloudformation:eu-west-3:123456789012:stack/cf-event-testing/00000000-0000-0000-0000-000000000000";
  private final CloudFormationClient cfn = mock(CloudFormationClient.class);
  private final CloudFormationGate gate =
      new CloudFormationGate(cfn, WatchedStacks.parse(RunnerFixture.WATCHED_STACK_ID));

  @ParameterizedTest
  @CsvSource({
      "CREATE_COMPLETE,", "UPDATE_COMPLETE,", "UPDATE_ROLLBACK_COMPLETE,", "IMPORT_COMPLETE,",
      "IMPORT_ROLLBACK_COMPLETE,", "UPDATE_IN_PROGRESS,STACK_IN_PROGRESS",
      "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS,STACK_IN_PROGRESS", "CREATE_IN_PROGRESS,STACK_IN_PROGRESS",
      "DELETE_IN_PROGRESS,STACK_IN_PROGRESS", "DELETE_COMPLETE,STACK_GONE", "DELETE_FAILED,STACK_GONE",
      "UPDATE_FAILED,NOT_A_TRIGGER", "ROLLBACK_COMPLETE,NOT_A_TRIGGER", "UPDATE_ROLLBACK_FAILED,NOT_A_TRIGGER"})
  void theCurrentStatusDecides(String status, String reason) {
    stack(RunnerFixture.WATCHED_STACK_ID, status);

    GateVerdict verdict = gate.check(cloudFormationTrigger());

    assertEquals(reason == null ? null : Reason.valueOf(reason), verdict.reason());
    assertEquals(status, verdict.currentStatus());
  }

  @Test
  void aMissingStackIsGone() {
    when(cfn.describeStacks(any(java.util.function.Consumer.class))).thenThrow(CloudFormationException.builder()
        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationError")
            .errorMessage("Stack with id x does not exist").build()).build());

    assertEquals(Reason.STACK_GONE, gate.check(cloudFormationTrigger()).reason());
  }

  @Test
  void aFailingApiIsGateUnavailableNotSilence() {
    when(cfn.describeStacks(any(java.util.function.Consumer.class))).thenThrow(CloudFormationException.builder()
        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build());

    GateVerdict verdict = gate.check(cloudFormationTrigger());

    assertEquals(Reason.GATE_UNAVAILABLE, verdict.reason());
    assertTrue(verdict.message().contains("Throttling (HTTP 400)"), verdict.message());
  }

  @Test
  void anUnreachableApiIsGateUnavailable() {
    when(cfn.describeStacks(any(java.util.function.Consumer.class)))
        .thenThrow(SdkClientException.create("connect timed out"));

    assertEquals(Reason.GATE_UNAVAILABLE, gate.check(cloudFormationTrigger()).reason());
  }

  @Test
  void aReplayIsResolvedByNameAndMustBeTheWatchedIncarnation() {
    Trigger replay = new Trigger(Trigger.Type.REPLAY, "e", null, "cf-event-testing", null, null, false, null);
    stack(RunnerFixture.WATCHED_STACK_ID, "UPDATE_ROLLBACK_COMPLETE");
    GateVerdict ok = gate.check(replay);
    assertNull(ok.reason(), "a replay of a stable stack is allowed");
    assertEquals(RunnerFixture.WATCHED_STACK_ID, ok.stackId());

    stack(OTHER_INCARNATION, "UPDATE_COMPLETE");
    assertEquals(Reason.NOT_A_TRIGGER, gate.check(replay).reason());
  }

  @Test
  void aSkippedOrUnavailableGateTouchesNothingAndIsRecorded() throws Exception {
    TestPostgres pg = TestPostgres.get();
    for (Reason reason : new Reason[] {Reason.STACK_IN_PROGRESS, Reason.STACK_GONE, Reason.GATE_UNAVAILABLE}) {
      String db = pg.createDatabase();
      RunnerFixture fixture = new RunnerFixture();
      fixture.gate = trigger -> new GateVerdict(reason, "stack is busy", "UPDATE_IN_PROGRESS", trigger.stackId());

      MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(db))
          .run(RunnerFixture.updateComplete());

      assertEquals(reason == Reason.GATE_UNAVAILABLE ? Status.FAILED : Status.SKIPPED, result.status());
      assertEquals(reason, result.reason());
      assertEquals(1, fixture.store.values.size());
      try (Connection c = pg.connect(db); var s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname <> 'pg_catalog'"
              + " AND schemaname <> 'information_schema'")) {
        rs.next();
        assertEquals(0, rs.getInt(1), "nothing applied, not even Liquibase's tables");
      }
    }
  }

  private static Trigger cloudFormationTrigger() {
    return new Trigger(Trigger.Type.CLOUDFORMATION, "e", RunnerFixture.WATCHED_STACK_ID, "cf-event-testing",
        "UPDATE_COMPLETE", "2026-11-24T10:00:00Z", false, null);
  }

  private void stack(String id, String status) {
    when(cfn.describeStacks(any(java.util.function.Consumer.class))).thenReturn(DescribeStacksResponse.builder()
        .stacks(s -> s.stackId(id).stackName("cf-event-testing").stackStatus(status)).build());
  }
}
