package dev.dbmigrator.runner.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.ResultJson;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.RepoPaths;
import dev.dbmigrator.runner.support.ResultSchema;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code applied} is always known; {@code pending} and {@code totalChangesets} are null when unknown, never 0. */
class HonestCountsTest {
  private final TestPostgres pg = TestPostgres.get();

  @Test
  void whenTheConnectionIsLostThePendingCountIsUnknownNotZero() throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(RepoPaths.testChangelog("connection-lost"), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertEquals(Status.FAILED, result.status(), result.message());
    assertEquals(List.of("db.changelog-master.yaml::001-before::test"), result.applied().changesets());
    assertNull(result.pending().count(), "two changesets are still pending, but the run cannot read which");
    assertEquals(List.of(), result.pending().changesets());
    assertTrue(result.message().contains("the pending changesets could not be listed afterwards"), result.message());
    assertEquals(3, result.changelog().totalChangesets());
    String json = ResultJson.toJson(result);
    assertTrue(json.contains("\"pending\":{\"count\":null,\"changesets\":[],\"truncated\":false}"), json);
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void anUnreadableChangelogHasNoTotalAndNoPendingCount() throws Exception {
    String db = pg.createDatabase();
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(RepoPaths.testChangelog("broken-yaml"), pg.secretJson(db))
        .run(RunnerFixture.updateComplete());

    assertTrue(result.message().startsWith("the changelog cannot be read"), result.message());
    assertNull(result.changelog().totalChangesets());
    assertNull(result.pending().count());
    assertEquals(0, result.applied().count());
    fixture.store.values.forEach(ResultSchema::assertValid);
  }

  @Test
  void aRunThatNeverReachesTheDatabaseKnowsNothingPending() throws Exception {
    RunnerFixture fixture = new RunnerFixture();

    MigrationResult result = fixture.runner(RepoPaths.changelog(), pg.secretJson(pg.createDatabase()))
        .run(RunnerFixture.withStatus("UPDATE_IN_PROGRESS"));

    assertEquals(Status.SKIPPED, result.status());
    assertEquals(0, result.applied().count());
    assertNull(result.pending().count());
    fixture.store.values.forEach(ResultSchema::assertValid);
  }
}
