package dev.dbmigrator.runner.migration;

import java.util.ArrayList;
import java.util.List;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;
import liquibase.exception.DatabaseException;
import liquibase.exception.UnexpectedLiquibaseException;

/**
 * Notes, in order, each changeset Liquibase ran in this update and the one that failed, and stops the update
 * before a changeset when the time budget is spent. It also drives {@link AtomicChangesets}, which needs the
 * same moments.
 */
final class AppliedChangesetRecorder extends AbstractChangeExecListener {
  private final List<String> applied = new ArrayList<>();
  private final TimeBudget budget;
  private final AtomicChangesets atomic = new AtomicChangesets();
  private final ChangesetTimeouts timeouts;
  private String failed;
  private boolean failedInTransaction;

  AppliedChangesetRecorder(TimeBudget budget) {
    this(budget, LockTimeouts.OFF);
  }

  AppliedChangesetRecorder(TimeBudget budget, LockTimeouts lockTimeouts) {
    this.budget = budget;
    this.timeouts = new ChangesetTimeouts(lockTimeouts);
  }

  @Override
  public void willRun(ChangeSet changeSet, DatabaseChangeLog log, Database db, ChangeSet.RunStatus runStatus) {
    budget.checkBeforeChangeset(ChangesetIds.of(changeSet));
  }

  @Override
  public void willRun(Change change, ChangeSet changeSet, DatabaseChangeLog log, Database db) {
    atomic.willRunChange(change, changeSet, db);
    timeouts.willRunChange(changeSet, db);
  }

  @Override
  public void ran(Change change, ChangeSet changeSet, DatabaseChangeLog log, Database db) {
    atomic.ranChange(change, changeSet, db);
  }

  @Override
  public void ran(ChangeSet changeSet, DatabaseChangeLog log, Database db, ChangeSet.ExecType execType) {
    try {
      atomic.ran(changeSet, db);
    } catch (DatabaseException e) {
      throw new UnexpectedLiquibaseException(e);
    }
    timeouts.ended(changeSet);
    if (!execType.ran) {
      return;
    }
    applied.add(ChangesetIds.of(changeSet));
  }

  @Override
  public void runFailed(ChangeSet changeSet, DatabaseChangeLog log, Database db, Exception exception) {
    failed = ChangesetIds.of(changeSet);
    failedInTransaction = !AtomicChangesets.outsideTransaction(changeSet);
    atomic.failed(changeSet, db);
    timeouts.ended(changeSet);
  }

  List<String> applied() {
    return List.copyOf(applied);
  }

  String failed() {
    return failed;
  }

  /** Whether the changeset that failed last ran in one transaction, so that its failure rolled it back whole. */
  boolean failedInTransaction() {
    return failed != null && failedInTransaction;
  }

  /** A new attempt of the update starts: what failed before is no longer this run's failure. */
  void retrying() {
    failed = null;
    failedInTransaction = false;
  }
}
