package dev.dbmigrator.runner.recording;

/** Publishes the completion event: EventBridge in Lambda, a log line in local runs. */
public interface EventPublisher {
  void publish(String detailType, String resultJson) throws RecordingException;
}
