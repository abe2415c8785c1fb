package dev.dbmigrator.runner.migration;

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
import liquibase.changelog.filter.ShouldRunChangeSetFilter;
import liquibase.changelog.visitor.ListVisitor;
import liquibase.database.Database;
import liquibase.exception.LiquibaseException;

/**
 * The changesets that {@code update} would run now, in order: the filters of Liquibase's own update iterator
 * (not yet run or due to run again, then contexts, labels, dbms and ignore) over the changelog this run parsed.
 * It reads DATABASECHANGELOG and never creates it, so a dry run on a new database writes nothing.
 */
final class PendingChangesets {
  private PendingChangesets() {}

  static List<ChangeSet> of(DatabaseChangeLog changeLog, Database database, LiquibaseMigration.Filter filter)
      throws LiquibaseException {
    Contexts contexts = new Contexts(filter.contexts());
    LabelExpression labels = new LabelExpression(filter.labels());
    ChangeLogIterator iterator = new ChangeLogIterator(changeLog,
        new ShouldRunChangeSetFilter(database),
        new ContextChangeSetFilter(contexts),
        new LabelChangeSetFilter(labels),
        new DbmsChangeSetFilter(database),
        new IgnoreChangeSetFilter());
    ListVisitor visitor = new ListVisitor();
    iterator.run(visitor, new RuntimeEnvironment(database, contexts, labels));
    return visitor.getSeenChangeSets();
  }
}
