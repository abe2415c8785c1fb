package dev.dbmigrator.runner.migration;

import java.util.StringJoiner;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;

/** The SQL a change or changeset runs, as text: what a trace keeps and what the index check searches. */
final class ChangesetSql {
  private ChangesetSql() {}

  static String of(ChangeSet changeSet, Database database) {
    StringJoiner all = new StringJoiner("\n");
    for (Change change : changeSet.getChanges()) {
      all.add(of(change, database));
    }
    return all.toString();
  }

  static String of(Change change, Database database) {
    StringJoiner sql = new StringJoiner(";\n", "", ";");
    try {
      for (SqlStatement statement : change.generateStatements(database)) {
        for (Sql line : SqlGeneratorFactory.getInstance().generateSql(statement, database)) {
          sql.add(line.toSql());
        }
      }
    } catch (RuntimeException e) {
      // Liquibase reports an unrenderable change itself when it runs it; the description is enough here.
      return change.getDescription();
    }
    return sql.toString();
  }

  /** Whether any SQL change of the changeset issues its own COMMIT, BEGIN, ROLLBACK or END. */
  static boolean controlsTransactions(ChangeSet changeSet) {
    for (Change change : changeSet.getChanges()) {
      if (change instanceof AbstractSQLChange sqlChange && TransactionControlSql.controlsTransactions(sqlChange.getSql())) {
        return true;
      }
    }
    return false;
  }
}
