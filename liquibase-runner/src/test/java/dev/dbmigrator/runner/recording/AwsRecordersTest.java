package dev.dbmigrator.runner.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.services.ssm.model.SsmException;

@SuppressWarnings("unchecked")
class AwsRecordersTest {
  private static final String PARAMETER = "/db-migrator/db-migrator/demo/last-result";

  @Test
  void ssmOverwritesTheOneStandardStringParameter() throws Exception {
    SsmClient ssm = mock(SsmClient.class);
    new SsmResultStore(ssm, PARAMETER).put("{\"status\":\"SUCCEEDED\"}");

    ArgumentCaptor<java.util.function.Consumer<PutParameterRequest.Builder>> captor =
        ArgumentCaptor.forClass(java.util.function.Consumer.class);
    verify(ssm).putParameter(captor.capture());
    PutParameterRequest.Builder builder = PutParameterRequest.builder();
    captor.getValue().accept(builder);
    PutParameterRequest request = builder.build();
    assertEquals(PARAMETER, request.name());
    assertEquals("{\"status\":\"SUCCEEDED\"}", request.value());
    assertEquals(ParameterType.STRING, request.type());
    assertEquals(ParameterTier.STANDARD, request.tier());
    assertTrue(request.overwrite());
  }

  @Test
  void anSsmErrorBecomesARecordingExceptionNamingTheCode() {
    SsmClient ssm = mock(SsmClient.class);
    when(ssm.putParameter(any(java.util.function.Consumer.class))).thenThrow(SsmException.builder()
        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build());

    RecordingException e = assertThrows(RecordingException.class, () -> new SsmResultStore(ssm, PARAMETER).put("{}"));
    assertTrue(e.getMessage().contains("AccessDeniedException (HTTP 400)"), e.getMessage());
  }

  @Test
  void eventBridgeGetsOneEntryOnTheMigratorBus() throws Exception {
    EventBridgeClient events = mock(EventBridgeClient.class);
    when(events.putEvents(any(java.util.function.Consumer.class)))
        .thenReturn(PutEventsResponse.builder().failedEntryCount(0).build());

    new EventBridgePublisher(events, "db-migrator", "db-migrator").publish("Database Migration Failed", "{\"a\":1}");

    ArgumentCaptor<java.util.function.Consumer<PutEventsRequest.Builder>> captor =
        ArgumentCaptor.forClass(java.util.function.Consumer.class);
    verify(events).putEvents(captor.capture());
    PutEventsRequest.Builder builder = PutEventsRequest.builder();
    captor.getValue().accept(builder);
    PutEventsRequestEntry entry = builder.build().entries().get(0);
    assertEquals("db-migrator", entry.eventBusName());
    assertEquals("db-migrator", entry.source());
    assertEquals("Database Migration Failed", entry.detailType());
    assertEquals("{\"a\":1}", entry.detail());
  }

  @Test
  void aFailedEntryIsAFailureEvenWithHttp200() {
    EventBridgeClient events = mock(EventBridgeClient.class);
    when(events.putEvents(any(java.util.function.Consumer.class))).thenReturn(PutEventsResponse.builder()
        .failedEntryCount(1)
        .entries(PutEventsResultEntry.builder().errorCode("InternalFailure").errorMessage("try again").build())
        .build());

    RecordingException e = assertThrows(RecordingException.class,
        () -> new EventBridgePublisher(events, "db-migrator", "db-migrator").publish("x", "{}"));
    assertTrue(e.getMessage().contains("InternalFailure try again"), e.getMessage());
  }
}
