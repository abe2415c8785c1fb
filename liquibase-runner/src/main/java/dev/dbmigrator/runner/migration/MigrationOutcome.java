package dev.dbmigrator.runner.migration;

import dev.dbmigrator.runner.result.Reason;
import java.util.List;

/**
 * What Liquibase did. {@code reason} is null on success. Lists hold changeset ids {@code file::id::author}.
 * {@code totalChangesets} is null when the changelog could not be parsed. {@code plannedSql} is set by dry runs
 * only: the SQL that update would run.
 */
public record MigrationOutcome(
    Reason reason,
    String message,
    Integer totalChangesets,
    List<String> applied,
    List<String> pending,
    String failedChangeset,
    String serverVersion,
    String plannedSql) {

  public boolean succeeded() {
    return reason == null;
  }

  public boolean planned() {
    return reason == Reason.DRY_RUN;
  }
}
