package dev.dbmigrator.runner.support;

import dev.dbmigrator.runner.recording.EventPublisher;
import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.ResultStore;
import java.util.ArrayList;
import java.util.List;

/** In-memory stand-ins for SSM and EventBridge that keep everything written, for assertions. */
public final class RecordingFakes {
  private RecordingFakes() {}

  public static final class Store implements ResultStore {
    public final List<String> values = new ArrayList<>();
    public boolean fail;

    @Override
    public void put(String resultJson) throws RecordingException {
      if (fail) {
        throw new RecordingException("SSM PutParameter failed: ThrottlingException (HTTP 400)");
      }
      values.add(resultJson);
    }

    @Override
    public String location() {
      return "memory";
    }
  }

  public static final class Publisher implements EventPublisher {
    public final List<String> detailTypes = new ArrayList<>();
    public final List<String> details = new ArrayList<>();
    public boolean fail;

    @Override
    public void publish(String detailType, String resultJson) throws RecordingException {
      if (fail) {
        throw new RecordingException("EventBridge rejected the completion event: InternalFailure");
      }
      detailTypes.add(detailType);
      details.add(resultJson);
    }
  }
}
