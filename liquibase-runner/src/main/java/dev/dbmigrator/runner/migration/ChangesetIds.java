package dev.dbmigrator.runner.migration;

import liquibase.changelog.ChangeSet;

/** The one textual identity of a changeset, as DATABASECHANGELOG keys it. */
final class ChangesetIds {
  private ChangesetIds() {}

  static String of(ChangeSet changeSet) {
    return changeSet.getFilePath() + "::" + changeSet.getId() + "::" + changeSet.getAuthor();
  }
}
