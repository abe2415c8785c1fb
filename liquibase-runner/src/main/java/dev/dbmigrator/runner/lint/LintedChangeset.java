package dev.dbmigrator.runner.lint;

/**
 * One changeset as the lint sees it: its identity, where it is declared, whether it runs in a transaction, its
 * comment (where acknowledgements live), Liquibase's checksum, and the SQL update-sql wrote for it.
 */
record LintedChangeset(String file, String id, String author, boolean runInTransaction, String comment,
    String checksum, String sql) {}
