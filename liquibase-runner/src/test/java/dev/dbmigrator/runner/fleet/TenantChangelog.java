package dev.dbmigrator.runner.fleet;

import dev.dbmigrator.runner.support.ChangelogDir;
import java.nio.file.Path;
import java.util.Map;

/** A tenant's changelog: unqualified names, so each run lands in its target's schema. */
final class TenantChangelog {
  static final String MASTER = """
      databaseChangeLog:
        - changeSet:
            id: 001-accounts
            author: tenant
            changes:
              - createTable:
                  tableName: accounts
                  columns:
                    - column: { name: id, type: bigint }
                    - column: { name: name, type: text }
        - changeSet:
            id: 002-accounts-name
            author: tenant
            changes:
              - sql:
                  sql: CREATE INDEX accounts_name ON accounts (name)
      """;

  private TenantChangelog() {}

  static Path write() {
    return ChangelogDir.write("tenant", Map.of("db.changelog-master.yaml", MASTER));
  }
}
