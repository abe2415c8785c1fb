package dev.dbmigrator.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What LocalMain --targets - reads from stdin, and the flags it refuses (the whole run is in the CLI's e2e). */
class LocalTargetsTest {
  private static LocalTargets read(String json) {
    return LocalTargets.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsEachTargetsCredentialsAndSchema() {
    LocalTargets targets = read("[{\"id\":\"tenant-a\",\"secret\":{\"host\":\"h\",\"port\":5432,\"username\":\"u\","
        + "\"password\":\"p\",\"dbname\":\"d\"},\"schema\":\"tenant_a\"},{\"id\":\"db-2\",\"secret\":{}}]");

    assertEquals(List.of("tenant-a", "db-2"), targets.targets().stream().map(LocalTargets.Target::id).toList());
    assertEquals("tenant_a", targets.targets().get(0).schema());
    assertEquals(null, targets.targets().get(1).schema());
    assertTrue(targets.targets().get(0).secretJson().contains("\"dbname\":\"d\""));
  }

  @Test
  void refusesWhatCouldMigrateTheWrongPlace() {
    for (String json : List.of("[]", "{}", "[{\"id\":\"a\"}]", "[{\"id\":\"a\",\"secret\":{}},{\"id\":\"a\",\"secret\":{}}]",
        "[{\"id\":\"a\",\"secret\":{},\"schema\":\"Tenant\"}]", "[{\"id\":\"../a\",\"secret\":{}}]", "nope")) {
      assertThrows(IllegalArgumentException.class, () -> read(json), json);
    }
  }

  @Test
  void targetsComeOnlyOnStdinAndAloneOfTheSingleRunFlags() {
    assertEquals(2, LocalMain.run(new String[] {"--targets", "targets.json"}));
    assertEquals(2, LocalMain.run(new String[] {"--targets", "-", "--local"}));
    assertEquals(2, LocalMain.run(new String[] {"--targets", "-", "--result-file", "x.json"}));
    assertEquals(2, LocalMain.run(new String[] {"--local", "--concurrency", "4"}));
  }
}
