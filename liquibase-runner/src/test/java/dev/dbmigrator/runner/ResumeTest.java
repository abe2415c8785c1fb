package dev.dbmigrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.LateProxy;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A database that is not there yet (an Aurora cluster resuming from 0 ACU) is waited for, within a budget. */
class ResumeTest {
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void aDatabaseThatComesUpAfterTwentySecondsIsMigrated() throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();
    try (LateProxy late = new LateProxy(pg.host, pg.port, Duration.ofSeconds(20))) {
      String secret = pg.secretJson(db).replace("\"port\":" + pg.port, "\"port\":" + late.port);

      MigrationResult result = fixture.runner(RepoPaths.changelog(), secret, Duration.ofSeconds(60))
          .run(RunnerFixture.updateComplete());

      System.out.printf("resume after 20 s: %s in %.1f s%n", result.status(), result.durationMs() / 1000.0);
      assertEquals(Status.SUCCEEDED, result.status(), result.message());
      assertEquals(2, result.applied().count());
      assertTrue(result.durationMs() >= 20_000, "the duration reflects the wait: " + result.durationMs());
    }
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void aDatabaseThatNeverComesUpFailsWhenTheBudgetRunsOut() throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();
    try (LateProxy never = new LateProxy(pg.host, pg.port, Duration.ofHours(1))) {
      String secret = pg.secretJson(db).replace("\"port\":" + pg.port, "\"port\":" + never.port);

      MigrationResult result = fixture.runner(RepoPaths.changelog(), secret, Duration.ofSeconds(5))
          .run(RunnerFixture.updateComplete());

      System.out.printf("never up, 5 s budget: %s %s in %.1f s%n", result.status(), result.reason(),
          result.durationMs() / 1000.0);
      assertEquals(Status.FAILED, result.status());
      assertEquals(Reason.CONNECTION_FAILED, result.reason());
      assertTrue(result.message().contains("gave up after"), result.message());
      assertTrue(result.durationMs() < 8_000, "stops at the budget: " + result.durationMs());
    }
    assertEquals(1, fixture.store.values.size(), "recorded");
    assertEquals(1, fixture.events.details.size(), "evented");
  }
}
