package dev.dbmigrator.runner.recording;

/** A result could not be stored or published. The message is safe to record. */
public class RecordingException extends Exception {
  public RecordingException(String message) {
    super(message);
  }

  public RecordingException(String message, Throwable cause) {
    super(message, cause);
  }
}
