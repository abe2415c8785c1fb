package dev.dbmigrator.runner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FleetManifestTest {
  static final String ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:tenants/db1-AbCdEf";

  static String entry(String id, String extra) {
    return "{\"id\":\"" + id + "\",\"secretArn\":\"" + ARN + "\",\"databaseName\":\"app\"" + extra + "}";
  }

  @Test
  void readsTargetsInRolloutOrder() throws Exception {
    FleetManifest manifest = FleetManifest.parse("[" + entry("tenant-002", "") + ","
        + entry("tenant-001", ",\"schema\":\"tenant_001\"") + "," + entry("t.3", ",\"schema\":null") + "]");

    assertEquals(List.of("tenant-002", "tenant-001", "t.3"), manifest.targets().stream().map(FleetTarget::id).toList());
    FleetTarget one = manifest.find("tenant-001").orElseThrow();
    assertEquals(new FleetTarget("tenant-001", ARN, "app", "tenant_001"), one);
    assertNull(manifest.find("tenant-002").orElseThrow().schema());
    assertTrue(manifest.find("tenant-004").isEmpty());
  }

  @Test
  void anEmptyArrayIsAFleetOfNone() throws Exception {
    assertTrue(FleetManifest.parse("[]").targets().isEmpty());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"targets\":[]}|it is not a JSON array of targets",
      "[1]|entry 0 is not an object",
      "not json|it is not JSON (line 1, column",
      "[{\"id\":\"-bad\",\"secretArn\":\"x\",\"databaseName\":\"app\"}]|entry 0: id must match",
      "[{\"id\":\"a\",\"secretArn\":\"arn:aws:s3:::bucket\",\"databaseName\":\"app\"}]|secretArn is not a Secrets Manager secret ARN",
      "[{\"id\":\"a\",\"secretArn\":\"" + ARN + "\",\"databaseName\":\"app/x?ssl=1\"}]|databaseName must match",
      "[{\"id\":\"a\",\"secretArn\":\"" + ARN + "\",\"databaseName\":\"app\",\"schema\":\"Tenant\"}]|schema must be a lower-case identifier",
      "[{\"id\":\"a\",\"secretArn\":\"" + ARN + "\",\"databaseName\":\"app\",\"schema\":\"pg_temp\"}]|schema must be a lower-case identifier",
      "[{\"id\":\"a\",\"secretArn\":\"" + ARN + "\",\"databaseName\":\"app\",\"schemaName\":\"t1\"}]|unknown key 'schemaName'",
  })
  void refusesTheWholeManifestForOneBadEntry(String json, String expected) {
    ManifestException e = assertThrows(ManifestException.class, () -> FleetManifest.parse(json));
    assertEquals(Reason.MANIFEST_INVALID, e.reason());
    assertTrue(e.getMessage().startsWith("the fleet manifest is invalid: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void aDuplicateIdIsRefusedByName() {
    ManifestException e = assertThrows(ManifestException.class,
        () -> FleetManifest.parse("[" + entry("t1", "") + "," + entry("t1", ",\"schema\":\"t1\"") + "]"));
    assertEquals("the fleet manifest is invalid: entry 1: id t1 appears twice", e.getMessage());
  }

  @Test
  void aParseErrorDoesNotQuoteTheManifest() {
    ManifestException e = assertThrows(ManifestException.class,
        () -> FleetManifest.parse("[{\"id\":\"a\",\"password\":\"hunter2-secret\" oops"));
    assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
  }
}
