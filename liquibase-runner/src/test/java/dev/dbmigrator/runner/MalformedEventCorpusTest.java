package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed or foreign trigger ends in a clean record (INVALID_EVENT or NOT_A_TRIGGER), never in an
 * unhandled exception, and never reaches the database: the secret source here fails the test if asked.
 */
class MalformedEventCorpusTest {
  static Stream<Arguments> corpus() throws Exception {
    try (InputStream in = MalformedEventCorpusTest.class.getResourceAsStream("/malformed-events.json")) {
      List<Arguments> cases = new ArrayList<>();
      for (JsonNode entry : new ObjectMapper().readTree(in)) {
        cases.add(Arguments.of(entry.get("name").asText(), entry.get("event")));
      }
      return cases.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void endsInACleanRecordAndTouchesNothing(String name, JsonNode event) throws Exception {
    RunnerFixture fixture = new RunnerFixture();
    fixture.gate = trigger -> {
      throw new AssertionError("a malformed event reached the gate: " + name);
    };

    MigrationResult result = fixture.runner(RepoPaths.changelog(), "{\"unused\":true}").run(event);

    assertTrue(result.reason() == Reason.INVALID_EVENT || result.reason() == Reason.NOT_A_TRIGGER,
        name + " gave " + result.reason());
    assertEquals(result.reason() == Reason.INVALID_EVENT ? Status.FAILED : Status.SKIPPED, result.status());
    assertEquals(1, fixture.store.values.size(), "recorded");
    assertEquals(1, fixture.events.details.size(), "evented");
    ResultSchema.assertValid(fixture.store.values.get(0));
  }
}
