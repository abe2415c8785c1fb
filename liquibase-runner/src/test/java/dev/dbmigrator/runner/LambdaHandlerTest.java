package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.support.JsonLogCapture;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.services.ssm.model.PutParameterResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** The Lambda entry point end to end: mocked AWS SDK clients, a real PostgreSQL. */
@SuppressWarnings("unchecked")
class LambdaHandlerTest {
  private final TestPostgres pg = TestPostgres.get();
  private final SecretsManagerClient secrets = mock(SecretsManagerClient.class);
  private final SsmClient ssm = mock(SsmClient.class);
  private final EventBridgeClient events = mock(EventBridgeClient.class);
  private final CloudFormationClient cloudFormation = mock(CloudFormationClient.class);
  private final List<String> ssmValues = new ArrayList<>();
  private final List<String> eventDetails = new ArrayList<>();

  @Test
  void migratesAndRecordsInSsmAndEventBridge() throws Exception {
    String db = pg.createDatabase();
    awsAnswers(pg.secretJson(db));

    JsonNode result = invoke(handler(), Files.readString(RepoPaths.fixture("stack-update-complete.captured.json")));

    assertEquals("SUCCEEDED", result.get("status").asText());
    assertEquals(2, result.get("applied").get("count").asInt());
    assertEquals(1, ssmValues.size());
    assertEquals(ssmValues, eventDetails);
    ResultSchema.assertValid(ssmValues.get(0));
  }

  @Test
  void whenNeitherRecordCanBeWrittenTheInvocationFailsForLambdaToRetry() throws Exception {
    String db = pg.createDatabase();
    awsAnswers(pg.secretJson(db));
    when(ssm.putParameter(any(java.util.function.Consumer.class))).thenThrow(SsmException.builder().statusCode(500)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError").build()).build());
    when(events.putEvents(any(java.util.function.Consumer.class))).thenReturn(PutEventsResponse.builder()
        .failedEntryCount(1).entries(e -> e.errorCode("InternalFailure")).build());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> invoke(handler(), Files.readString(RepoPaths.fixture("stack-update-complete.captured.json"))));
    assertTrue(e.getMessage().contains("neither record was written"), e.getMessage());
  }

  @Test
  void unparsableInputIsRecordedAsInvalidEvent() throws Exception {
    awsAnswers(pg.secretJson("unused"));

    JsonNode result = invoke(handler(), "this is not json");

    assertEquals("FAILED", result.get("status").asText());
    assertEquals("INVALID_EVENT", result.get("reason").asText());
    assertEquals(1, ssmValues.size());
  }

  @Test
  void theDatabasePasswordAppearsInNoLogEventOrResult() throws Exception {
    String db = pg.createDatabase();
    String wrongPassword = "wrong-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream original = System.err;
    List<String> outputs = new ArrayList<>();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      String event = Files.readString(RepoPaths.fixture("stack-update-complete.captured.json"));
      awsAnswers(pg.secretJson(db));
      outputs.add(invoke(handler(), event).toString());                       // success
      outputs.add(invoke(handler(), event).toString());                       // no-op
      awsAnswers(pg.secretJson(db, wrongPassword));
      outputs.add(invoke(handler(), event).toString());                       // AUTH_FAILED
      awsAnswers("{\"password\":\"" + pg.password + "\"}");
      outputs.add(invoke(handler(), event).toString());                       // SECRET_UNAVAILABLE
      awsAnswers(pg.secretJson(db));
      outputs.add(invoke(handler(), "{\"source\":\"" + pg.password + "\"}").toString()); // INVALID_EVENT
    } finally {
      System.setErr(original);
    }
    String captured = logs.toString(StandardCharsets.UTF_8);
    assertTrue(captured.contains("finished: SUCCEEDED"), "the logs were captured");
    for (String secret : List.of(pg.password, wrongPassword)) {
      assertFalse(captured.contains(secret), "a log line holds the password");
      ssmValues.forEach(v -> assertFalse(v.contains(secret), "an SSM value holds the password"));
      eventDetails.forEach(v -> assertFalse(v.contains(secret), "an event holds the password"));
      outputs.forEach(v -> assertFalse(v.contains(secret), "a result holds the password"));
    }
    assertEquals(5, ssmValues.size());
  }

  @Test
  void everyLogLineOfAnInvocationCarriesItsRequestId() throws Exception {
    String db = pg.createDatabase();
    awsAnswers(pg.secretJson(db));
    com.amazonaws.services.lambda.runtime.Context context =
        org.mockito.Mockito.mock(com.amazonaws.services.lambda.runtime.Context.class);
    when(context.getAwsRequestId()).thenReturn("req-7");
    when(context.getRemainingTimeInMillis()).thenReturn(600_000);
    String event = Files.readString(RepoPaths.fixture("stack-update-complete.captured.json"));
    List<JsonNode> lines = JsonLogCapture.lines(() -> handler().handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), context));
    assertTrue(lines.size() >= 2, "the run logged: " + lines);
    lines.forEach(line -> assertEquals("req-7", line.path("function_request_id").asText(), line.toString()));
    assertEquals(null, org.slf4j.MDC.get(LambdaHandler.REQUEST_ID), "nothing of the invocation outlives it");
  }

  private LambdaHandler handler() {
    Map<String, String> env = new HashMap<>();
    env.put("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf");
    env.put("DATABASE_NAME", "demo");
    env.put("RESULT_PARAMETER_NAME", "/db-migrator/db-migrator/demo/last-result");
    env.put("EVENT_BUS_NAME", "db-migrator");
    env.put("WATCHED_STACKS", RunnerFixture.WATCHED_STACK_ID);
    env.put("CHANGELOG_DIR", RepoPaths.changelog().toString());
    env.put("DB_SSL_MODE", "disable");
    env.put("CONNECT_BUDGET_SECONDS", "3");
    return new LambdaHandler(RunnerConfig.fromEnvironment(env), secrets, ssm, events, cloudFormation);
  }

  private void awsAnswers(String secretJson) {
    when(cloudFormation.describeStacks(any(java.util.function.Consumer.class))).thenReturn(DescribeStacksResponse
        .builder().stacks(s -> s.stackId(RunnerFixture.WATCHED_STACK_ID).stackName("cf-event-testing")
            .stackStatus("UPDATE_COMPLETE")).build());
    when(secrets.getSecretValue(any(java.util.function.Consumer.class)))
        .thenReturn(GetSecretValueResponse.builder().secretString(secretJson).build());
    when(ssm.putParameter(any(java.util.function.Consumer.class))).thenAnswer(call -> {
      PutParameterRequest.Builder b = PutParameterRequest.builder();
      ((java.util.function.Consumer<PutParameterRequest.Builder>) call.getArgument(0)).accept(b);
      ssmValues.add(b.build().value());
      return PutParameterResponse.builder().version(1L).build();
    });
    when(events.putEvents(any(java.util.function.Consumer.class))).thenAnswer(call -> {
      PutEventsRequest.Builder b = PutEventsRequest.builder();
      ((java.util.function.Consumer<PutEventsRequest.Builder>) call.getArgument(0)).accept(b);
      eventDetails.add(b.build().entries().get(0).detail());
      return PutEventsResponse.builder().failedEntryCount(0).build();
    });
  }

  private static JsonNode invoke(LambdaHandler handler, String input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }
}
