package dev.dbmigrator.runner.migration;

import java.sql.Connection;

/** Opens one more database session to the run's database, for work that must not share the run's own session. */
@FunctionalInterface
public interface SessionOpener {
  Connection open() throws Exception;
}
