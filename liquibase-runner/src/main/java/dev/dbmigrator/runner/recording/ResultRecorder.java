package dev.dbmigrator.runner.recording;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.ResultJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every run leave a durable record. Either record may fail alone: the other then carries a note saying
 * so. When both fail the run throws, so that Lambda retries it and the on-failure destination keeps it.
 */
public final class ResultRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ResultRecorder.class);

  private final ResultStore store;
  private final EventPublisher publisher;

  public ResultRecorder(ResultStore store, EventPublisher publisher) {
    this.store = store;
    this.publisher = publisher;
  }

  /** Returns the result as recorded, with notes about any record that failed. */
  public MigrationResult record(MigrationResult result) throws RecordingException {
    RecordingException storeFailure = null;
    try {
      store.put(ResultJson.toJson(result));
    } catch (RecordingException e) {
      storeFailure = e;
      LOG.error("result not stored: {}", e.getMessage());
      result = result.withNote("the result was not stored: " + e.getMessage());
    }
    try {
      publisher.publish(result.status().detailType(), ResultJson.toJson(result));
    } catch (RecordingException e) {
      LOG.error("completion event not published: {}", e.getMessage());
      if (storeFailure != null) {
        throw new RecordingException("neither record was written: " + storeFailure.getMessage()
            + "; " + e.getMessage(), e);
      }
      result = result.withNote("the completion event was not published: " + e.getMessage());
      try {
        store.put(ResultJson.toJson(result));
      } catch (RecordingException again) {
        LOG.error("result note not stored: {}", again.getMessage());
      }
    }
    return result;
  }

  public String location() {
    return store.location();
  }
}
