package dev.dbmigrator.runner.secret;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** Reads the RDS-generated secret. Read on every run, never cached: the password may have been rotated. */
public final class SecretsManagerSecretSource implements SecretSource {
  private final SecretsManagerClient client;
  private final String secretArn;
  private final String databaseName;

  public SecretsManagerSecretSource(SecretsManagerClient client, String secretArn) {
    this(client, secretArn, null);
  }

  /** @param databaseName the database to connect to in place of the secret's dbname; null to use the secret's */
  public SecretsManagerSecretSource(SecretsManagerClient client, String secretArn, String databaseName) {
    this.client = client;
    this.secretArn = secretArn;
    this.databaseName = databaseName;
  }

  @Override
  public DatabaseSecret fetch() throws SecretUnavailableException {
    String value;
    try {
      value = client.getSecretValue(r -> r.secretId(secretArn)).secretString();
    } catch (ResourceNotFoundException e) {
      throw new SecretUnavailableException("secret " + secretArn + " does not exist");
    } catch (AwsServiceException e) {
      throw new SecretUnavailableException("secret " + secretArn + " could not be read: "
          + e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ")");
    } catch (SdkException e) {
      throw new SecretUnavailableException("Secrets Manager could not be reached: " + e.getClass().getSimpleName());
    }
    return DatabaseSecret.fromJson(value, databaseName);
  }
}
