package dev.dbmigrator.runner.lint;

import dev.dbmigrator.runner.migration.ChangelogReader;
import java.io.OutputStream;
import java.sql.Connection;
import java.util.List;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateSqlCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;

/**
 * The SQL of every selected changeset, from Liquibase's update-sql over a connection to an empty database:
 * nothing is applied, each changeset's SQL is attributed to it.
 */
final class UpdateSqlLint {
  private UpdateSqlLint() {}

  static List<LintedChangeset> changesets(ChangelogReader reader, Connection emptyDatabase) throws Exception {
    return reader.inScope(() -> {
      ChangelogReader.Opened opened = reader.open(emptyDatabase);
      reader.refuseUnresolvedParameters(opened, reader.pending(opened));
      ChangesetSqlCapture capture = new ChangesetSqlCapture();
      try {
        new CommandScope(UpdateSqlCommandStep.COMMAND_NAME)
            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, opened.database())
            .addArgumentValue(UpdateSqlCommandStep.CHANGELOG_FILE_ARG, reader.folder().masterFile())
            .addArgumentValue(UpdateSqlCommandStep.CONTEXTS_ARG, reader.filter().contexts())
            .addArgumentValue(UpdateSqlCommandStep.LABEL_FILTER_ARG, reader.filter().labels())
            .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, opened.changeLog())
            .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, opened.parameters())
            .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, capture)
            .setOutput(OutputStream.nullOutputStream())
            .execute();
      } catch (Exception e) {
        throw new ChangelogReader.UnreadableChangelogException(
            "Liquibase could not write the changelog's SQL: " + ChangelogReader.rootMessage(e), e);
      }
      return capture.changesets();
    });
  }
}
