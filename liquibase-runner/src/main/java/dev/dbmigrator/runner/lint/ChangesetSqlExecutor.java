package dev.dbmigrator.runner.lint;

import java.io.Writer;
import java.util.List;
import liquibase.database.Database;
import liquibase.exception.DatabaseException;
import liquibase.executor.Executor;
import liquibase.executor.LoggingExecutor;
import liquibase.sql.visitor.SqlVisitor;
import liquibase.statement.SqlStatement;
import liquibase.statement.core.ClearDatabaseChangeLogTableStatement;
import liquibase.statement.core.CreateDatabaseChangeLogLockTableStatement;
import liquibase.statement.core.CreateDatabaseChangeLogTableStatement;
import liquibase.statement.core.InitializeDatabaseChangeLogLockTableStatement;
import liquibase.statement.core.LockDatabaseChangeLogStatement;
import liquibase.statement.core.MarkChangeSetRanStatement;
import liquibase.statement.core.RemoveChangeSetRanStatusStatement;
import liquibase.statement.core.UnlockDatabaseChangeLogStatement;
import liquibase.statement.core.UpdateChangeSetChecksumStatement;

/**
 * Liquibase's own update-sql writer ({@link LoggingExecutor}: statements are written out, never run; reads go to
 * the database), installed for one changeset so that what it writes is that changeset's SQL alone. Liquibase's
 * bookkeeping (the history row, the lock table) and its comments are left out: they are not the changeset's.
 */
final class ChangesetSqlExecutor extends LoggingExecutor {
  private final Executor reads;

  ChangesetSqlExecutor(Executor reads, Writer output, Database database) {
    super(reads, output, database);
    this.reads = reads;
  }

  /** The executor that answers reads: kept so that the next changeset's writer does not wrap this one. */
  Executor reads() {
    return reads;
  }

  @Override
  public void execute(SqlStatement sql) throws DatabaseException {
    if (!isBookkeeping(sql)) {
      super.execute(sql);
    }
  }

  @Override
  public void execute(SqlStatement sql, List<SqlVisitor> sqlVisitors) throws DatabaseException {
    if (!isBookkeeping(sql)) {
      super.execute(sql, sqlVisitors);
    }
  }

  @Override
  public int update(SqlStatement sql) throws DatabaseException {
    return isBookkeeping(sql) ? 0 : super.update(sql);
  }

  @Override
  public int update(SqlStatement sql, List<SqlVisitor> sqlVisitors) throws DatabaseException {
    return isBookkeeping(sql) ? 0 : super.update(sql, sqlVisitors);
  }

  @Override
  public void comment(String message) {
    // The "-- Changeset …" header and the changeset's comment: the lint reports those separately.
  }

  private static boolean isBookkeeping(SqlStatement sql) {
    return sql instanceof MarkChangeSetRanStatement
        || sql instanceof UpdateChangeSetChecksumStatement
        || sql instanceof RemoveChangeSetRanStatusStatement
        || sql instanceof ClearDatabaseChangeLogTableStatement
        || sql instanceof CreateDatabaseChangeLogTableStatement
        || sql instanceof CreateDatabaseChangeLogLockTableStatement
        || sql instanceof InitializeDatabaseChangeLogLockTableStatement
        || sql instanceof LockDatabaseChangeLogStatement
        || sql instanceof UnlockDatabaseChangeLogStatement;
  }
}
