package dev.dbmigrator.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.gate.CloudFormationGate;
import dev.dbmigrator.runner.migration.ChangelogFolder;
import dev.dbmigrator.runner.recording.EventBridgePublisher;
import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.ResultRecorder;
import dev.dbmigrator.runner.recording.SsmResultStore;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.secret.EndpointOverride;
import dev.dbmigrator.runner.secret.SecretsManagerSecretSource;
import dev.dbmigrator.runner.trigger.TriggerParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.MDC;
import dev.dbmigrator.runner.migration.Deadline;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The Lambda entry point: parse the event, delegate to {@link MigrationRunner}, report. Configuration is read
 * and validated once per JVM. It throws only when no record of the run could be written, so that Lambda's
 * retries and the on-failure destination take over.
 */
public final class LambdaHandler implements RequestStreamHandler {
  /** The log field of the invocation's request id (Powertools' name for it). */
  static final String REQUEST_ID = "function_request_id";

  private final MigrationRunner runner;

  public LambdaHandler() {
    this(RunnerConfig.fromEnvironment(System.getenv()),
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
        SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
        EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
        CloudFormationClient.builder().httpClient(UrlConnectionHttpClient.create()).build());
  }

  LambdaHandler(RunnerConfig config, SecretsManagerClient secretsManager, SsmClient ssm, EventBridgeClient events,
      CloudFormationClient cloudFormation) {
    this.runner = config.configure(new MigrationRunner(
        new TriggerParser(config.watchedStacks()),
        new CloudFormationGate(cloudFormation, config.watchedStacks()),
        EndpointOverride.apply(new SecretsManagerSecretSource(secretsManager, config.secretArn()),
            config.hostOverride(), config.portOverride()),
        new DatabaseConnector(config.sslMode(), config.connectTimeout()),
        new ChangelogFolder(config.changelogDir(), config.changelogFile()),
        new ResultRecorder(
            new SsmResultStore(ssm, config.resultParameterName()),
            new EventBridgePublisher(events, config.eventBusName(), config.eventSource())),
        Clock.systemUTC(),
        config.lockWaitBudget(),
        config.connectBudget()))
        .withFastPath(config.fastPath());
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    // Every log line of this invocation carries its request id, as Lambda's own START and END lines do.
    if (context != null && context.getAwsRequestId() != null) {
      MDC.put(REQUEST_ID, context.getAwsRequestId());
    }
    try {
      Deadline deadline = context == null ? Deadline.NONE
          : () -> Duration.ofMillis(context.getRemainingTimeInMillis());
      String result = ResultJson.toJson(runner.run(EventJson.read(input), deadline));
      output.write(result.getBytes(StandardCharsets.UTF_8));
    } catch (RecordingException e) {
      throw new IllegalStateException("the run left no record, so it is handed to Lambda's retry: "
          + e.getMessage(), e);
    } finally {
      MDC.remove(REQUEST_ID);
    }
  }
}
