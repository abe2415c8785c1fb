package dev.dbmigrator.runner.recording;

/** Keeps the latest result: the SSM parameter in Lambda, a file in local runs. */
public interface ResultStore {
  void put(String resultJson) throws RecordingException;

  /** Where a person finds the result, for summaries. */
  String location();
}
