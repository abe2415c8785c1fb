package dev.dbmigrator.runner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.support.DatabaseProbe;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** The per-target handler with S3 and Secrets Manager mocked, against the real test PostgreSQL. */
@SuppressWarnings("unchecked")
class FleetTargetHandlerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String RUN_ID = "0b6f3c1e-5a7d-4e2b-9c1a-1234567890ab";
  private static final String ARN_PREFIX = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:";
  private final TestPostgres pg = TestPostgres.get();
  private final S3Client s3 = mock(S3Client.class);
  private final SecretsManagerClient secretsManager = mock(SecretsManagerClient.class);
  private final Map<String, String> secrets = new HashMap<>();
  private final Path changelog = TenantChangelog.write();

  FleetTargetHandlerTest() {
    when(secretsManager.getSecretValue(any(Consumer.class))).thenAnswer(call -> {
      GetSecretValueRequest.Builder request = GetSecretValueRequest.builder();
      ((Consumer<GetSecretValueRequest.Builder>) call.getArgument(0)).accept(request);
      return GetSecretValueResponse.builder().secretString(secrets.get(request.build().secretId())).build();
    });
  }

  private FleetTargetHandler handler() {
    return new FleetTargetHandler(Map.of(
        "CHANGELOG_DIR", changelog.toString(), "DB_SSL_MODE", "disable", "CONNECT_BUDGET_SECONDS", "3",
        "FLEET_NAME", "tenants", "FLEET_MANIFEST_BUCKET", "manifests", "FLEET_MANIFEST_KEY", "fleet/manifest.json"),
        s3, secretsManager);
  }

  private void manifestIs(String json, String etag) {
    when(s3.getObjectAsBytes(any(GetObjectRequest.class))).thenReturn(ResponseBytes.fromByteArray(
        GetObjectResponse.builder().eTag(etag).build(), json.getBytes(StandardCharsets.UTF_8)));
  }

  /** A secret in the cluster's shape: its dbname is not the target's, which comes from the manifest. */
  private String secretFor(String name, String password) {
    String arn = ARN_PREFIX + name + "-AbCdEf";
    ObjectNode secret = (ObjectNode) readTree(pg.secretJson("postgres", password));
    secret.remove("dbname");
    secrets.put(arn, secret.toString());
    return arn;
  }

  private static String target(String id, String arn, String database, String schema) {
    return "{\"id\":\"" + id + "\",\"secretArn\":\"" + arn + "\",\"databaseName\":\"" + database + "\""
        + (schema == null ? "" : ",\"schema\":\"" + schema + "\"") + "}";
  }

  private static String input(String targetId, boolean dryRun) {
    return "{\"targetId\":\"" + targetId + "\",\"dryRun\":" + dryRun + ",\"runId\":\"" + RUN_ID + "\","
        + "\"trigger\":{\"kind\":\"stack-status-change\",\"stackName\":\"app\",\"stackStatus\":\"UPDATE_COMPLETE\"}}";
  }

  private static JsonNode run(FleetTargetHandler handler, String input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    String json = out.toString(StandardCharsets.UTF_8);
    ResultSchema.assertValid(json);
    return MAPPER.readTree(json);
  }

  private static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void migratesTheTargetTheManifestNamesAndReturnsItsResult() throws Exception {
    String db = pg.createDatabase();
    manifestIs("[" + target("tenant-001", secretFor("cluster-1", pg.password), db, null) + "]", "\"e1\"");

    JsonNode result = run(handler(), input("tenant-001", false));

    assertEquals("SUCCEEDED", result.get("status").asText(), result.toString());
    assertEquals(2, result.get("applied").get("count").asInt());
    assertEquals(RUN_ID, result.get("runId").asText(), "every target of a fleet run carries its run id");
    assertEquals("{\"id\":\"tenant-001\",\"schema\":null}", result.get("target").toString());
    assertEquals(db, result.get("database").get("name").asText(), "the manifest's database, not the secret's");
    assertEquals("UPDATE_COMPLETE", result.get("trigger").get("stackStatus").asText());
    assertEquals(1, new DatabaseProbe(pg, db).count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        + " AND tablename = 'accounts'"));
  }

  @Test
  void aSchemaTargetMigratesItsSchemaOnly() throws Exception {
    String db = pg.createDatabase();
    new DatabaseProbe(pg, db).execute("CREATE SCHEMA tenant_a");
    manifestIs("[" + target("tenant-a", secretFor("cluster-1", pg.password), db, "tenant_a") + "]", "\"e1\"");

    JsonNode result = run(handler(), input("tenant-a", false));

    assertEquals("SUCCEEDED", result.get("status").asText(), result.toString());
    assertEquals("{\"id\":\"tenant-a\",\"schema\":\"tenant_a\"}", result.get("target").toString());
    DatabaseProbe probe = new DatabaseProbe(pg, db);
    assertEquals(2, probe.count("SELECT count(*) FROM tenant_a.databasechangelog"));
    assertEquals(1, probe.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'tenant_a'"
        + " AND indexname = 'accounts_name'"), "raw SQL resolves names in the tenant's schema too");
    assertEquals(0, probe.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        "nothing lands in the default schema");
  }

  @Test
  void anIdNotInTheManifestIsRefusedWithoutReadingAnySecret() throws Exception {
    manifestIs("[" + target("tenant-001", secretFor("cluster-1", pg.password), "app", null) + "]", "\"e1\"");

    JsonNode result = run(handler(), input("tenant-999", false));

    assertEquals("FAILED", result.get("status").asText());
    assertEquals("UNKNOWN_TARGET", result.get("reason").asText());
    assertEquals("tenant-999", result.get("target").get("id").asText());
    verify(secretsManager, never()).getSecretValue(any(Consumer.class));
  }

  @Test
  void aManifestThatCannotBeReadOrParsedFailsTheTargetWithItsCode() throws Exception {
    when(s3.getObjectAsBytes(any(GetObjectRequest.class))).thenThrow(NoSuchKeyException.builder().statusCode(404)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").build()).build());
    JsonNode missing = run(handler(), input("tenant-001", false));
    assertEquals("MANIFEST_UNAVAILABLE", missing.get("reason").asText());
    assertEquals("the fleet manifest s3://manifests/fleet/manifest.json could not be read: NoSuchKey (HTTP 404);"
        + " nothing was applied", missing.get("message").asText());

    manifestIs("{\"tenant-001\":{}}", "\"e2\"");
    JsonNode invalid = run(handler(), input("tenant-001", false));
    assertEquals("FAILED", invalid.get("status").asText());
    assertEquals("MANIFEST_INVALID", invalid.get("reason").asText());
    verify(secretsManager, never()).getSecretValue(any(Consumer.class));
  }

  @Test
  void anUnchangedManifestIsNotDownloadedAgain() throws Exception {
    String db = pg.createDatabase();
    manifestIs("[" + target("tenant-001", secretFor("cluster-1", pg.password), db, null) + "]", "\"e1\"");
    FleetTargetHandler warm = handler();
    run(warm, input("tenant-001", false));
    when(s3.getObjectAsBytes(any(GetObjectRequest.class)))
        .thenThrow(S3Exception.builder().statusCode(304).build());

    JsonNode second = run(warm, input("tenant-001", false));

    assertEquals("SUCCEEDED", second.get("status").asText(), second.toString());
    ArgumentCaptor<GetObjectRequest> requests = ArgumentCaptor.forClass(GetObjectRequest.class);
    verify(s3, org.mockito.Mockito.times(2)).getObjectAsBytes(requests.capture());
    assertEquals(null, requests.getAllValues().get(0).ifNoneMatch());
    assertEquals("\"e1\"", requests.getAllValues().get(1).ifNoneMatch());
  }

  @Test
  void aWrongPasswordFailsWithoutShowingIt() throws Exception {
    String db = pg.createDatabase();
    manifestIs("[" + target("tenant-001", secretFor("cluster-1", "wrong-pa55word"), db, null) + "]", "\"e1\"");

    JsonNode result = run(handler(), input("tenant-001", false));

    assertEquals("AUTH_FAILED", result.get("reason").asText());
    assertFalse(result.toString().contains("wrong-pa55word"));
  }

  @Test
  void aMissingSchemaIsRefusedNotCreated() throws Exception {
    String db = pg.createDatabase();
    manifestIs("[" + target("tenant-b", secretFor("cluster-1", pg.password), db, "tenant_b") + "]", "\"e1\"");

    JsonNode result = run(handler(), input("tenant-b", false));

    assertEquals("FAILED", result.get("status").asText());
    assertEquals("SCHEMA_MISSING", result.get("reason").asText());
    assertTrue(result.get("message").asText().startsWith("schema tenant_b does not exist in database " + db),
        result.get("message").asText());
    assertEquals(0, new DatabaseProbe(pg, db).count("SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_b'"));
  }

  @Test
  void aDryRunPlansAndAppliesNothing() throws Exception {
    String db = pg.createDatabase();
    manifestIs("[" + target("tenant-001", secretFor("cluster-1", pg.password), db, null) + "]", "\"e1\"");

    JsonNode result = run(handler(), input("tenant-001", true));

    assertEquals("PLANNED", result.get("status").asText(), result.toString());
    assertEquals(2, result.get("pending").get("count").asInt());
    assertEquals(0, new DatabaseProbe(pg, db).count("SELECT count(*) FROM pg_tables WHERE tablename = 'accounts'"));
  }

  @Test
  void malformedInputIsAnInvalidEvent() throws Exception {
    manifestIs("[]", "\"e1\"");
    for (String input : new String[] {"not json", "{\"targetId\":\"t1\"}",
        "{\"targetId\":\"t1\",\"dryRun\":false,\"runId\":\"" + RUN_ID + "\",\"trigger\":{\"kind\":\"x\"}}",
        input("t1", false).replace("}}", "},\"secretArn\":\"x\"}")}) {
      JsonNode result = run(handler(), input);
      assertEquals("INVALID_EVENT", result.get("reason").asText(), input);
    }
    verify(s3, never()).getObjectAsBytes(any(GetObjectRequest.class));
  }
}
