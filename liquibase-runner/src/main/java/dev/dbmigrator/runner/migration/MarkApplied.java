package dev.dbmigrator.runner.migration;

import java.util.ArrayList;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.RuntimeEnvironment;
import liquibase.changelog.ChangeLogIterator;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.filter.ContextChangeSetFilter;
import liquibase.changelog.filter.DbmsChangeSetFilter;
import liquibase.changelog.filter.IgnoreChangeSetFilter;
import liquibase.changelog.filter.LabelChangeSetFilter;
import liquibase.changelog.filter.NotRanChangeSetFilter;
import liquibase.changelog.visitor.ListVisitor;
import liquibase.database.Database;
import liquibase.exception.LiquibaseException;

/**
 * Which changesets a mark-applied run records: those Liquibase's changelog-sync would (not yet run; contexts,
 * labels, dbms and ignore honoured), cut after an optional last changeset. Liquibase's changelog-sync has no
 * "up to a changeset" form, so it is given a view of the changelog that ends at that changeset.
 */
final class MarkApplied {
  private MarkApplied() {}

  /** The changesets to record, and the changelog view to hand changelog-sync. */
  record Selection(List<ChangeSet> toMark, DatabaseChangeLog changeLog) {}

  static Selection select(DatabaseChangeLog changeLog, Database database, LiquibaseMigration.Filter filter,
      String upTo) throws LiquibaseException {
    List<ChangeSet> all = changeLog.getChangeSets();
    int end = all.size();
    if (upTo != null) {
      end = indexOf(all, upTo) + 1;
      if (end == 0) {
        throw new IllegalArgumentException("the changelog has no changeset " + upTo
            + ": give it as file::id::author, as the result lists changesets");
      }
    }
    List<ChangeSet> prefix = List.copyOf(all.subList(0, end));
    DatabaseChangeLog view = new PrefixView(changeLog, prefix);
    Contexts contexts = new Contexts(filter.contexts());
    LabelExpression labels = new LabelExpression(filter.labels());
    ListVisitor visitor = new ListVisitor();
    new ChangeLogIterator(view,
        new NotRanChangeSetFilter(database.getRanChangeSetList()),
        new ContextChangeSetFilter(contexts),
        new LabelChangeSetFilter(labels),
        new IgnoreChangeSetFilter(),
        new DbmsChangeSetFilter(database))
        .run(visitor, new RuntimeEnvironment(database, contexts, labels));
    return new Selection(visitor.getSeenChangeSets(), view);
  }

  private static int indexOf(List<ChangeSet> changeSets, String id) {
    String wanted = id.trim();
    for (int i = 0; i < changeSets.size(); i++) {
      ChangeSet changeSet = changeSets.get(i);
      if (ChangesetIds.of(changeSet).equals(wanted)
          || (DatabaseChangeLog.normalizePath(changeSet.getFilePath()) + "::" + changeSet.getId() + "::"
              + changeSet.getAuthor()).equals(wanted)) {
        return i;
      }
    }
    return -1;
  }

  /** The changelog as far as the last changeset to mark; the changesets themselves are the parsed ones. */
  private static final class PrefixView extends DatabaseChangeLog {
    private final List<ChangeSet> changeSets;

    PrefixView(DatabaseChangeLog changeLog, List<ChangeSet> changeSets) {
      super(changeLog.getPhysicalFilePath());
      this.changeSets = new ArrayList<>(changeSets);
      setChangeLogParameters(changeLog.getChangeLogParameters());
    }

    @Override
    public List<ChangeSet> getChangeSets() {
      return changeSets;
    }
  }
}
