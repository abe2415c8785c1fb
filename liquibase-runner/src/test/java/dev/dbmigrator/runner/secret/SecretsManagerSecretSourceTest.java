package dev.dbmigrator.runner.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

@SuppressWarnings("unchecked")
class SecretsManagerSecretSourceTest {
  private static final String ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf";
  private final SecretsManagerClient client = mock(SecretsManagerClient.class);
  private final SecretsManagerSecretSource source = new SecretsManagerSecretSource(client, ARN);

  @Test
  void readsTheRdsSecretShape() throws Exception {
    answer("{\"engine\":\"postgres\",\"host\":\"db.cluster\",\"port\":5432,\"username\":\"postgres\","
        + "\"password\":\"s3cr3t-value\",\"dbname\":\"demo\"}");

    DatabaseSecret secret = source.fetch();

    assertEquals("db.cluster", secret.host());
    assertEquals(5432, secret.port());
    assertEquals("demo", secret.dbname());
    assertFalse(secret.toString().contains("s3cr3t-value"), "toString never shows the password");
  }

  @Test
  void aMissingSecretIsNamed() {
    when(client.getSecretValue(any(java.util.function.Consumer.class)))
        .thenThrow(ResourceNotFoundException.builder().message("not found").build());

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, source::fetch);
    assertEquals("secret " + ARN + " does not exist", e.getMessage());
  }

  @Test
  void accessDeniedIsReportedByCode() {
    when(client.getSecretValue(any(java.util.function.Consumer.class))).thenThrow(SecretsManagerException.builder()
        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build());

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, source::fetch);
    assertTrue(e.getMessage().contains("AccessDeniedException"), e.getMessage());
  }

  @Test
  void aSecretThatIsNotJsonNeverEchoesItsValue() {
    answer("password=hunter2-not-json");

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, source::fetch);
    assertEquals("the secret value is not a JSON object", e.getMessage());
  }

  @Test
  void missingKeysAreListed() {
    answer("{\"password\":\"x\",\"dbname\":\"demo\"}");

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, source::fetch);
    assertEquals("the secret lacks the key(s): host, port, username", e.getMessage());
  }

  private void answer(String secretString) {
    when(client.getSecretValue(any(java.util.function.Consumer.class)))
        .thenReturn(GetSecretValueResponse.builder().secretString(secretString).build());
  }
}
