package dev.dbmigrator.runner.result;

/** The outcome of a run, as the MigrationResult contract names it. */
public enum Status {
  SUCCEEDED("Database Migration Succeeded"),
  FAILED("Database Migration Failed"),
  SKIPPED("Database Migration Skipped"),
  PLANNED("Database Migration Planned");

  private final String detailType;

  Status(String detailType) {
    this.detailType = detailType;
  }

  /** The EventBridge detail-type of the completion event for this status. */
  public String detailType() {
    return detailType;
  }
}
