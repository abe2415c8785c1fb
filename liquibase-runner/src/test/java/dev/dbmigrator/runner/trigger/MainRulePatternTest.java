package dev.dbmigrator.runner.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.support.RepoPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

/**
 * Checks the main EventBridge rule with AWS's own matcher (event-ruler), on the pattern taken from the
 * synthesized CDK template by test/support/print-main-rule-pattern.ts, against CloudFormation's real event shape
 * (test/fixtures/cloudformation-events). The ARNs below are the fixed values that script puts in for tokens.
 */
class MainRulePatternTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCRIPT = "test/support/print-main-rule-pattern.ts";

  private static final String ARN = "arn:aws:cloudformation:eu-west-3:123456789012:stack/";
  private static final String MIGRATOR = ARN + "db-migrator/11111111-1111-1111-1111-111111111111";
  private static final String DATABASE = ARN + "db-migrator-database/22222222-2222-2222-2222-222222222222";
  private static final String LEGACY = ARN + "legacy-app/dca9d690-12fc-11ed-acb4-0e99ce9abea2";

  private static final Set<String> TRIGGERS = Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE");
  private static final List<String> STACK_STATUSES = List.of(
      "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE",
      "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED", "ROLLBACK_COMPLETE",
      "DELETE_IN_PROGRESS", "DELETE_FAILED", "DELETE_COMPLETE",
      "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED",
      "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
      "UPDATE_ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS",
      "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_FAILED",
      "IMPORT_ROLLBACK_COMPLETE");

  private static final Machine RULE = new Machine();

  @BeforeAll
  static void compileTheSynthesizedPattern() throws Exception {
    String pattern = printPattern();
    // The name-watched prefix is a literal with an explicit environment but an Fn::Join of pseudo parameters
    // without one; both must come out the same, or the script's token resolution is suspect.
    assertEquals(JSON.readTree(pattern), JSON.readTree(printPattern("--env-agnostic")),
        "the env-agnostic synth resolves to a different pattern");
    RULE.addRule("main", pattern);
  }

  static Stream<Arguments> everyStatusOfEveryWatchedStack() {
    return STACK_STATUSES.stream()
        .flatMap(status -> Stream.of(MIGRATOR, DATABASE, LEGACY).map(stackId -> Arguments.of(status, stackId)));
  }

  @ParameterizedTest(name = "{0} of {1}")
  @MethodSource("everyStatusOfEveryWatchedStack")
  void onlyCreateAndUpdateCompleteOfAWatchedStackMatch(String status, String stackId) throws Exception {
    assertEquals(TRIGGERS.contains(status), matches(stackEvent(stackId, status)));
  }

  static Stream<Arguments> nonTriggers() throws IOException {
    ObjectNode resourceEvent = fixture("resource-create-complete.docs.json");
    resourceEvent.put("account", "123456789012").put("region", "eu-west-3");
    resourceEvent.putArray("resources").add(MIGRATOR);
    ((ObjectNode) resourceEvent.get("detail")).put("stack-id", MIGRATOR);

    return Stream.of(
        Arguments.of("a resource's CREATE_COMPLETE in a watched stack", resourceEvent),
        Arguments.of("an unwatched stack (the captured event as is)", fixture("stack-update-complete.captured.json")),
        // The prefix ends in "/", so a watched name does not watch every stack whose name starts with it.
        Arguments.of("a stack named legacy-app-two", stackEvent(ARN + "legacy-app-two/33333333-3333-3333-3333-333333333333", "UPDATE_COMPLETE")),
        Arguments.of("the migrator stack's name and guid in another account",
            inAccountAndRegion(MIGRATOR.replace("123456789012", "210987654321"), "210987654321", "eu-west-3")),
        Arguments.of("legacy-app in another account",
            inAccountAndRegion(LEGACY.replace("123456789012", "210987654321"), "210987654321", "eu-west-3")),
        Arguments.of("legacy-app in another region",
            inAccountAndRegion(LEGACY.replace("eu-west-3", "eu-west-1"), "123456789012", "eu-west-1")),
        // The documentation's sample ARN has no "/<guid>": real events have one (see the captured fixture).
        Arguments.of("the docs sample as is", fixture("stack-create-complete.docs.json")),
        Arguments.of("the docs sample's shape (no guid) for legacy-app", docsShapedEvent(ARN + "legacy-app")),
        // Anyone may put events with any detail on the default bus, but not with an aws.* source.
        Arguments.of("source my.app", withSource("my.app")),
        Arguments.of("source aws.cloudformation.fake", withSource("aws.cloudformation.fake")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonTriggers")
  void doesNotMatch(String description, JsonNode event) throws Exception {
    assertFalse(matches(event), description);
  }

  @Test
  void matchesWithOrWithoutAClientRequestToken() throws Exception {
    // CloudFormation leaves client-request-token out when the caller gave none (the captured event has none).
    ObjectNode withoutToken = stackEvent(LEGACY, "CREATE_COMPLETE");
    ((ObjectNode) withoutToken.get("detail")).remove("client-request-token");
    assertTrue(matches(withoutToken), "no client-request-token key");

    ObjectNode withToken = docsShapedEvent(MIGRATOR);
    assertTrue(withToken.get("detail").has("client-request-token"));
    assertTrue(matches(withToken), "an empty client-request-token, as in the docs sample");
  }

  private static boolean matches(JsonNode event) throws Exception {
    return RULE.rulesForJSONEvent(JSON.writeValueAsString(event)).contains("main");
  }

  /** The captured UPDATE_COMPLETE event, moved to `stackId` (in its `resources` too) and `status`. */
  private static ObjectNode stackEvent(String stackId, String status) throws IOException {
    ObjectNode event = fixture("stack-update-complete.captured.json");
    event.putArray("resources").add(stackId);
    ObjectNode detail = (ObjectNode) event.get("detail");
    detail.put("stack-id", stackId);
    ((ObjectNode) detail.get("status-details")).put("status", status);
    return event;
  }

  /** A real-looking CREATE_COMPLETE of `stackId`, published where that stack lives. */
  private static ObjectNode inAccountAndRegion(String stackId, String account, String region) throws IOException {
    return stackEvent(stackId, "CREATE_COMPLETE").put("account", account).put("region", region);
  }

  /** The docs sample (with its empty client-request-token) in our account and region, for `stackId`. */
  private static ObjectNode docsShapedEvent(String stackId) throws IOException {
    ObjectNode event = fixture("stack-create-complete.docs.json");
    event.put("account", "123456789012").put("region", "eu-west-3");
    event.putArray("resources").add(stackId);
    ((ObjectNode) event.get("detail")).put("stack-id", stackId);
    return event;
  }

  private static ObjectNode withSource(String source) throws IOException {
    return stackEvent(MIGRATOR, "UPDATE_COMPLETE").put("source", source);
  }

  private static ObjectNode fixture(String name) throws IOException {
    return (ObjectNode) JSON.readTree(RepoPaths.fixture(name).toFile());
  }

  /** Runs the script with tsx from the repository root and returns its stdout, the resolved pattern. */
  private static String printPattern(String... args) throws Exception {
    Path root = RepoPaths.root();
    Path tsx = root.resolve("node_modules/.bin/tsx");
    if (!Files.isExecutable(tsx)) {
      fail("MainRulePatternTest synthesizes the CDK app and needs " + tsx + ": run `npm ci` in " + root);
    }
    List<String> command = new ArrayList<>(List.of(tsx.toString(), SCRIPT));
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile("print-main-rule-pattern", ".stderr");
    try {
      Process process = new ProcessBuilder(command)
          .directory(root.toFile())
          .redirectError(stderr.toFile())
          .start();
      process.getOutputStream().close();
      // Read before waiting, so a full pipe cannot stall the script.
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within 3 minutes");
      }
      if (process.exitValue() != 0) {
        fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + Files.readString(stderr));
      }
      return stdout;
    } finally {
      Files.deleteIfExists(stderr);
    }
  }
}
