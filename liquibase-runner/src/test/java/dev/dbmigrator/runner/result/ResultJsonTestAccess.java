package dev.dbmigrator.runner.result;

import dev.dbmigrator.runner.result.MigrationResult.ChangesetList;

/** Lets tests in other packages build a sample result. */
public final class ResultJsonTestAccess {
  private ResultJsonTestAccess() {}

  public static MigrationResult result(ChangesetList applied) {
    return ResultJsonTest.result(applied, ChangesetList.EMPTY, "done");
  }
}
