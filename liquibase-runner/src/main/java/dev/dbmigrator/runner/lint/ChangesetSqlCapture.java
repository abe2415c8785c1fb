package dev.dbmigrator.runner.lint;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.ChangeSet.RunStatus;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.ChecksumVersion;
import liquibase.database.Database;
import liquibase.executor.Executor;
import liquibase.executor.ExecutorService;

/**
 * Listens to Liquibase's update-sql and gives each changeset, as it starts, a writer of its own: the SQL that
 * update-sql writes while the changeset executes is attributed to that changeset.
 */
final class ChangesetSqlCapture extends AbstractChangeExecListener {
  private record Pending(ChangeSet changeSet, StringWriter sql) {}

  private final List<Pending> seen = new ArrayList<>();

  @Override
  public void willRun(ChangeSet changeSet, DatabaseChangeLog changeLog, Database database, RunStatus runStatus) {
    ExecutorService executors = Scope.getCurrentScope().getSingleton(ExecutorService.class);
    Executor current = executors.getExecutor("jdbc", database);
    Executor reads = current instanceof ChangesetSqlExecutor own ? own.reads() : current;
    StringWriter sql = new StringWriter();
    executors.setExecutor("jdbc", database, new ChangesetSqlExecutor(reads, sql, database));
    seen.add(new Pending(changeSet, sql));
  }

  List<LintedChangeset> changesets() {
    return seen.stream().map(p -> {
      ChangeSet c = p.changeSet();
      return new LintedChangeset(c.getFilePath(), c.getId(), c.getAuthor(), c.isRunInTransaction(), c.getComments(),
          c.generateCheckSum(ChecksumVersion.latest()).toString(), p.sql().toString().strip());
    }).toList();
  }
}
