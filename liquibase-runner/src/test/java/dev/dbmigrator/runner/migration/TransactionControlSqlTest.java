package dev.dbmigrator.runner.migration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionControlSqlTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE a (id int); COMMIT; CREATE TABLE b (id int)",
      "commit",
      "BEGIN; UPDATE t SET x = 1; END;",
      "  -- a comment\n  ROLLBACK;",
      "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
      "UPDATE t SET x = 1; /* done */ COMMIT",
      "PREPARE TRANSACTION 'x'",
      "ABORT"})
  void sqlThatEndsOrStartsTransactionsIsFound(String sql) {
    assertTrue(TransactionControlSql.controlsTransactions(sql), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE commit_log (id int)",
      "INSERT INTO t VALUES ('COMMIT; BEGIN')",
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$",
      "DO $body$ BEGIN RAISE NOTICE 'x'; END $body$",
      "SELECT \"commit\" FROM t",
      "-- COMMIT\nSELECT 1",
      "PREPARE q AS SELECT 1",
      "SELECT $1::int"})
  void sqlThatOnlyMentionsThemIsNot(String sql) {
    assertFalse(TransactionControlSql.controlsTransactions(sql), sql);
  }
}
