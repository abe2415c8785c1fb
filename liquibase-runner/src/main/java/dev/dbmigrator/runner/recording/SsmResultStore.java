package dev.dbmigrator.runner.recording;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Overwrites the result parameter. The runner, not the stack, creates it: CloudFormation would otherwise reset
 * its value whenever a property changed. Its version history is the run history.
 */
public final class SsmResultStore implements ResultStore {
  private final SsmClient ssm;
  private final String parameterName;

  public SsmResultStore(SsmClient ssm, String parameterName) {
    this.ssm = ssm;
    this.parameterName = parameterName;
  }

  @Override
  public void put(String resultJson) throws RecordingException {
    try {
      ssm.putParameter(r -> r.name(parameterName)
          .value(resultJson)
          .type(ParameterType.STRING)
          .tier(ParameterTier.STANDARD)
          .overwrite(true));
    } catch (SdkException e) {
      throw new RecordingException("SSM PutParameter on " + parameterName + " failed: " + AwsErrors.describe(e), e);
    }
  }

  @Override
  public String location() {
    return "ssm:" + parameterName;
  }
}
