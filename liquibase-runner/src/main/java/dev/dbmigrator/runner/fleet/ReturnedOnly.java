package dev.dbmigrator.runner.fleet;

import dev.dbmigrator.runner.recording.EventPublisher;
import dev.dbmigrator.runner.recording.ResultStore;

/**
 * A fleet target's records: none. Its result is returned to the state machine, whose ResultWriter keeps every
 * target's in S3; one SSM parameter or event per target would not scale (10,000 parameters is the account's quota).
 */
public final class ReturnedOnly {
  public static final ResultStore STORE = new ResultStore() {
    @Override
    public void put(String resultJson) {}

    @Override
    public String location() {
      return "the fleet run's results (the Distributed Map's ResultWriter)";
    }
  };
  public static final EventPublisher PUBLISHER = (detailType, resultJson) -> {};

  private ReturnedOnly() {}
}
