package dev.dbmigrator.runner.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;
import dev.dbmigrator.runner.support.RecordingFakes;
import org.junit.jupiter.api.Test;

class ResultRecorderTest {
  private final RecordingFakes.Store store = new RecordingFakes.Store();
  private final RecordingFakes.Publisher events = new RecordingFakes.Publisher();
  private final ResultRecorder recorder = new ResultRecorder(store, events);
  private final MigrationResult result = resultWithOneChangeset();

  @Test
  void writesTheSameResultToBothRecords() throws Exception {
    recorder.record(result);

    assertEquals(1, store.values.size());
    assertEquals(store.values, events.details);
    assertEquals("Database Migration Succeeded", events.detailTypes.get(0));
  }

  @Test
  void aFailedSsmWriteStillPublishesTheEventWithANote() throws Exception {
    store.fail = true;

    MigrationResult recorded = recorder.record(result);

    assertEquals(1, events.details.size());
    assertTrue(events.details.get(0).contains("the result was not stored: SSM PutParameter failed"));
    assertTrue(recorded.notes().get(0).startsWith("the result was not stored"));
  }

  @Test
  void aFailedEventIsNotedInTheStoredResult() throws Exception {
    events.fail = true;

    MigrationResult recorded = recorder.record(result);

    assertEquals(2, store.values.size(), "stored, then stored again with the note");
    assertTrue(store.values.get(1).contains("the completion event was not published"));
    assertEquals(1, recorded.notes().size());
  }

  @Test
  void whenBothRecordsFailTheRunThrows() {
    store.fail = true;
    events.fail = true;

    RecordingException e = assertThrows(RecordingException.class, () -> recorder.record(result));
    assertTrue(e.getMessage().startsWith("neither record was written"));
  }

  private static MigrationResult resultWithOneChangeset() {
    return dev.dbmigrator.runner.result.ResultJsonTestAccess.result(ChangesetList.of(java.util.List.of("a::1::x")));
  }
}
