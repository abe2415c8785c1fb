package dev.dbmigrator.runner.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.LiquibaseMigration;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.result.Status;
import dev.dbmigrator.runner.support.ChangelogDir;
import dev.dbmigrator.runner.support.RunnerFixture;
import dev.dbmigrator.runner.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Over many generated states (changesets added, edited and reverted, some bound to a context; history rows
 * removed, edited, added or cleared of their checksums; runs with other contexts), whenever the fast path says
 * "nothing to do", full Liquibase, asked the same question with the fast path off, finds nothing pending and no
 * error either.
 */
class FastPathAgreementTest {
  private static final long SEED = 20261129L;
  private static final int STEPS = 80;
  private final TestPostgres pg = TestPostgres.get();
  private final RunnerFixture fixture = new RunnerFixture();

  /** One changeset of the generated changelog: its number, variant of its SQL, and context (or none). */
  private record Changeset(int n, int variant, String context) {
    String yaml() {
      String sql = "CREATE TABLE IF NOT EXISTS t" + n + " (id int" + (variant == 0 ? "" : ", note" + variant + " text")
          + ")";
      return FastPathChangelogs.changeset(n, context == null ? "" : "context: " + context, sql);
    }
  }

  @Test
  void theFastPathNeverAnswersDifferentlyFromFullLiquibase() throws Exception {
    Random random = new Random(SEED);
    List<Changeset> changesets = new ArrayList<>(List.of(new Changeset(1, 0, null), new Changeset(2, 0, null)));
    Path folder = FastPathChangelogs.folder("fast-agreement", render(changesets));
    String db = pg.createDatabase();
    int fastAnswers = 0;
    int fullRuns = 0;
    List<String> trail = new ArrayList<>();

    for (int step = 0; step < STEPS; step++) {
      String op = mutate(random, changesets, folder, db);
      LiquibaseMigration.Filter filter = random.nextInt(4) == 0
          ? new LiquibaseMigration.Filter("ctxA", null) : LiquibaseMigration.Filter.NONE;
      MigrationResult result = fixture.runner(folder, pg.secretJson(db)).withFilter(filter)
          .run(RunnerFixture.updateComplete());
      trail.add(step + ": " + op + " / contexts " + filter.contexts() + " -> "
          + (result.runner().fastPath() ? "fast" : result.status() + " " + result.reason() + " pending "
              + result.pending().changesets()));
      if (!result.runner().fastPath()) {
        fullRuns++;
        continue;
      }
      fastAnswers++;
      assertEquals(Status.SUCCEEDED, result.status());
      assertEquals(0, result.pending().count());
      MigrationResult full = fixture.runner(folder, pg.secretJson(db)).withFilter(filter).withFastPath(false)
          .run(RunnerFixture.replay("cf-event-testing", true));
      assertEquals(Reason.DRY_RUN, full.reason(), "full Liquibase disagrees after " + trail + ": " + full.message());
      assertEquals(0, full.pending().count(), "full Liquibase finds changesets pending after " + trail);
      assertEquals(full.changelog().totalChangesets(), result.changelog().totalChangesets(), String.join("\n", trail));
    }
    assertTrue(fastAnswers >= STEPS / 10, "the fast path answered too rarely to prove anything: " + trail);
    assertTrue(fullRuns >= STEPS / 5, "too few states sent to the full path: " + trail);
  }

  private String mutate(Random random, List<Changeset> changesets, Path folder, String db) throws SQLException {
    switch (random.nextInt(14)) {
      case 0 -> {
        int n = changesets.get(changesets.size() - 1).n() + 1;
        changesets.add(new Changeset(n, 0, random.nextBoolean() ? null : "ctxA"));
        write(folder, changesets);
        return "add changeset " + n;
      }
      case 1 -> {
        int i = random.nextInt(changesets.size());
        Changeset c = changesets.get(i);
        changesets.set(i, new Changeset(c.n(), (c.variant() + 1) % 3, c.context()));
        write(folder, changesets);
        return "edit changeset " + c.n();
      }
      case 2 -> {
        changesets.replaceAll(c -> new Changeset(c.n(), 0, c.context()));
        write(folder, changesets);
        return "revert edits";
      }
      case 3 -> {
        int n = changesets.get(random.nextInt(changesets.size())).n();
        sql(db, "DELETE FROM databasechangelog WHERE id = '" + n + "'");
        return "remove row " + n;
      }
      case 4 -> {
        int n = changesets.get(random.nextInt(changesets.size())).n();
        sql(db, "UPDATE databasechangelog SET md5sum = '9:" + Integer.toHexString(random.nextInt()) + "' WHERE id = '"
            + n + "'");
        return "edit row " + n;
      }
      case 5 -> {
        // What a person does after an edit they mean to keep: Liquibase fills the checksums in again.
        sql(db, "UPDATE databasechangelog SET md5sum = NULL");
        return "clear checksums";
      }
      case 7 -> {
        changesets.replaceAll(c -> new Changeset(c.n(), 0, c.context()));
        write(folder, changesets);
        sql(db, "UPDATE databasechangelog SET md5sum = NULL");
        return "revert edits and clear checksums";
      }
      case 6 -> {
        int n = changesets.get(random.nextInt(changesets.size())).n();
        sql(db, "UPDATE databasechangelog SET orderexecuted = orderexecuted + 100 WHERE id = '" + n + "'");
        return "reorder row " + n;
      }
      default -> {
        return "nothing";
      }
    }
  }

  private static String render(List<Changeset> changesets) {
    return FastPathChangelogs.master(changesets.stream().map(Changeset::yaml).toArray(String[]::new));
  }

  private static void write(Path folder, List<Changeset> changesets) {
    ChangelogDir.put(folder, "db.changelog-master.yaml", render(changesets));
  }

  private void sql(String db, String statement) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      // A fresh database has no history table yet: nothing to remove or edit.
      if (!"42P01".equals(e.getSQLState())) {
        throw e;
      }
    }
  }
}
