package dev.dbmigrator.runner.recording;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** PutEvents on the migrator's bus. A 200 response can still carry a failed entry, so that is checked too. */
public final class EventBridgePublisher implements EventPublisher {
  private final EventBridgeClient events;
  private final String busName;
  private final String source;

  public EventBridgePublisher(EventBridgeClient events, String busName, String source) {
    this.events = events;
    this.busName = busName;
    this.source = source;
  }

  @Override
  public void publish(String detailType, String resultJson) throws RecordingException {
    PutEventsResponse response;
    try {
      response = events.putEvents(r -> r.entries(e -> e.eventBusName(busName)
          .source(source)
          .detailType(detailType)
          .detail(resultJson)));
    } catch (SdkException e) {
      throw new RecordingException("EventBridge PutEvents on " + busName + " failed: " + AwsErrors.describe(e), e);
    }
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      PutEventsResultEntry entry = response.entries().isEmpty() ? null : response.entries().get(0);
      throw new RecordingException("EventBridge rejected the completion event on " + busName + ": "
          + (entry == null ? "no entry detail" : entry.errorCode() + " " + entry.errorMessage()));
    }
  }
}
