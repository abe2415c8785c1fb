/**
 * A tenant's changelog for the fleet runs (`local --targets` test and timing script): unqualified names, so a
 * schema target's changesets land in its schema.
 */
export const TENANT_CHANGELOG = `databaseChangeLog:
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
`;
