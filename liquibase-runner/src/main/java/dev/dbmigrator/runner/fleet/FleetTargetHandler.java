package dev.dbmigrator.runner.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbmigrator.runner.EventJson;
import dev.dbmigrator.runner.RunnerConfig;
import dev.dbmigrator.runner.database.DatabaseConnector;
import dev.dbmigrator.runner.fastpath.ChangelogChecksums;
import dev.dbmigrator.runner.fastpath.FastPath;
import dev.dbmigrator.runner.migration.Deadline;
import dev.dbmigrator.runner.secret.SecretsManagerSecretSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The Lambda entry point of one fleet target: {@code { targetId, dryRun, runId, trigger }} in, the target's
 * MigrationResult (with {@code target}) out. Configuration is read and validated once per JVM; the work is
 * {@link FleetTargetRun}'s. It never writes SSM and never publishes an event.
 *
 * <p>Environment: the single runner's (CHANGELOG_*, LOCK_*, STATEMENT_TIMEOUT_SECONDS, FAST_PATH, DB_SSL_MODE,
 * DB_CONNECT_TIMEOUT_SECONDS, CONNECT_BUDGET_SECONDS, LOCK_WAIT_BUDGET_SECONDS, TIME_RESERVE_SECONDS, ...) except
 * DB_SECRET_ARN, DB_HOST, DB_PORT, DATABASE_NAME, RESULT_PARAMETER_NAME and EVENT_BUS_NAME, which the manifest
 * replaces or which do not apply; plus FLEET_NAME, FLEET_MANIFEST_BUCKET and FLEET_MANIFEST_KEY.
 */
public final class FleetTargetHandler implements RequestStreamHandler {
  private final FleetTargetRun run;

  public FleetTargetHandler() {
    this(System.getenv(),
        S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build(),
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build());
  }

  FleetTargetHandler(Map<String, String> env, S3Client s3, SecretsManagerClient secretsManager) {
    RunnerConfig config = RunnerConfig.forFleetTarget(env);
    FleetSettings fleet = FleetSettings.fromEnvironment(env, true);
    this.run = new FleetTargetRun(config,
        new S3ManifestSource(s3, fleet.manifestBucket(), fleet.manifestKey()),
        target -> new SecretsManagerSecretSource(secretsManager, target.secretArn(), target.databaseName()),
        new DatabaseConnector(config.sslMode(), config.connectTimeout()),
        new FastPath(config.fastPath(), new ChangelogChecksums()),
        Clock.systemUTC());
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Deadline deadline = context == null ? Deadline.NONE
        : () -> Duration.ofMillis(context.getRemainingTimeInMillis());
    // Input that is not JSON is still answered: the run records it as INVALID_EVENT.
    output.write(run.run(EventJson.read(input), deadline).getBytes(StandardCharsets.UTF_8));
  }
}
