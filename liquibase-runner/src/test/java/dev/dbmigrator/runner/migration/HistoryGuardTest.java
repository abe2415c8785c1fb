package dev.dbmigrator.runner.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmigrator.runner.migration.HistoryGuard.Recorded;
import java.util.List;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import org.junit.jupiter.api.Test;

/** The comparison rules of the guard, on changesets and rows as Liquibase and its clients write them. */
class HistoryGuardTest {
  private static final String MASTER = "db.changelog-master.yaml";

  @Test
  void aHistoryUnderThisRunsOwnPathsIsNoMismatch() {
    assertNull(HistoryGuard.check(List.of(changeSet("1", "alice", "changes/001.yaml")),
        List.of(new Recorded("1", "alice", "changes/001.yaml")), MASTER));
  }

  @Test
  void pathsEqualAfterLiquibasesNormalisationAreTheSameChangeset() {
    List<ChangeSet> ours = List.of(changeSet("1", "alice", "changes/001.yaml"),
        changeSet("2", "alice", "changes/002.yaml"), changeSet("3", "Bob", "changes/003.yaml"));
    List<Recorded> recorded = List.of(new Recorded("1", "alice", "classpath:changes/001.yaml"),
        new Recorded("2", "alice", "/changes/002.yaml"), new Recorded("3", "BOB", "classpath:/CHANGES/003.yaml"));
    assertNull(HistoryGuard.check(ours, recorded, MASTER));
  }

  @Test
  void theSameIdAndAuthorInTwoFilesOfThisChangelogIsNotAForeignHistory() {
    List<ChangeSet> ours = List.of(changeSet("1", "alice", "changes/001.yaml"),
        changeSet("1", "alice", "changes/002.yaml"));
    assertNull(HistoryGuard.check(ours, List.of(new Recorded("1", "alice", "changes/001.yaml")), MASTER),
        "002's changeset is simply pending");
  }

  @Test
  void aLongerRecordedPathNamesThePrefixAndTheSettingsThatReproduceIt() {
    String why = HistoryGuard.check(List.of(changeSet("1", "alice", "changes/001.yaml")),
        List.of(new Recorded("1", "alice", "classpath:/db/changelog/changes/001.yaml")), MASTER);
    assertTrue(why.contains("recorded as 'classpath:/db/changelog/changes/001.yaml::1::alice', this run would record"
        + " 'changes/001.yaml::1::alice'"), why);
    assertTrue(why.contains("the prefix 'db/changelog/'"), why);
    assertTrue(why.contains("changelogDir and changelogFile: 'db/changelog/db.changelog-master.yaml'"), why);
    assertTrue(why.contains("--changelog <folder> --changelog-file db/changelog/db.changelog-master.yaml"), why);
  }

  @Test
  void aShorterRecordedPathNamesTheFolderToDescendInto() {
    String why = HistoryGuard.check(List.of(changeSet("1", "alice", "db/changelog/changes/001.yaml")),
        List.of(new Recorded("1", "alice", "changes/001.yaml")), "db/changelog/db.changelog-master.yaml");
    assertTrue(why.contains("lack this run's prefix 'db/changelog/'"), why);
    assertTrue(why.contains("--changelog <folder>/db/changelog/ --changelog-file db.changelog-master.yaml"), why);
  }

  @Test
  void unrelatedPathsSayNoSettingReproducesThem() {
    String why = HistoryGuard.check(List.of(changeSet("1", "alice", "changes/001.yaml")),
        List.of(new Recorded("1", "alice", "migrations/v1.yaml")), MASTER);
    assertTrue(why.contains("differ by more than a prefix"), why);
    assertTrue(why.contains("--changelog/--changelog-file"), why);
  }

  @Test
  void theMessageCountsEveryMismatchAndShowsTwo() {
    List<ChangeSet> ours = List.of(changeSet("1", "a", "c/1.yaml"), changeSet("2", "a", "c/2.yaml"),
        changeSet("3", "a", "c/3.yaml"));
    List<Recorded> recorded = List.of(new Recorded("1", "a", "x/c/1.yaml"), new Recorded("2", "a", "x/c/2.yaml"),
        new Recorded("3", "a", "x/c/3.yaml"));
    String why = HistoryGuard.check(ours, recorded, MASTER);
    assertTrue(why.startsWith("DATABASECHANGELOG records 3 changeset(s)"), why);
    assertEquals(2, why.split("recorded as", -1).length - 1, why);
  }

  private static ChangeSet changeSet(String id, String author, String path) {
    return new ChangeSet(id, author, false, false, path, null, null, new DatabaseChangeLog(path));
  }
}
