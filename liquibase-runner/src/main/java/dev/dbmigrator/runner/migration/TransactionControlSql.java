package dev.dbmigrator.runner.migration;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether SQL ends or starts transactions itself (COMMIT, BEGIN, ROLLBACK, END, ...). Such a changeset commits
 * part of its work on its own, so it cannot be made atomic with its history row: it is run as a
 * non-transactional one. Comments, quoted strings and dollar-quoted bodies (a PL/pgSQL BEGIN ... END) are
 * skipped; only the first word of each statement counts.
 */
final class TransactionControlSql {
  private static final Set<String> CONTROL = Set.of("COMMIT", "BEGIN", "ROLLBACK", "END", "START", "ABORT",
      "PREPARE");
  private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z_0-9]*)?\\$");

  private TransactionControlSql() {}

  static boolean controlsTransactions(String sql) {
    if (sql == null) {
      return false;
    }
    for (String statement : withoutQuotedText(sql).split(";")) {
      String first = firstWord(statement);
      if (first.equals("PREPARE") ? statement.toUpperCase(Locale.ROOT).matches("(?s)\\s*PREPARE\\s+TRANSACTION\\b.*")
          : CONTROL.contains(first)) {
        return true;
      }
    }
    return false;
  }

  private static String firstWord(String statement) {
    String trimmed = statement.strip();
    int end = 0;
    while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
      end++;
    }
    return trimmed.substring(0, end).toUpperCase(Locale.ROOT);
  }

  /** The SQL with comments, string literals, quoted identifiers and dollar-quoted bodies blanked out. */
  static String withoutQuotedText(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '-' && sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end;
      } else if (c == '/' && sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
        out.append(' ');
      } else if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < sql.length()) {
          if (sql.charAt(end) == c) {
            if (end + 1 < sql.length() && sql.charAt(end + 1) == c) {
              end += 2;
              continue;
            }
            break;
          }
          end++;
        }
        i = end + 1;
        out.append(' ');
      } else if (c == '$') {
        Matcher tag = DOLLAR_TAG.matcher(sql).region(i, sql.length());
        if (tag.lookingAt()) {
          int end = sql.indexOf(tag.group(), tag.end());
          i = end < 0 ? sql.length() : end + tag.group().length();
          out.append(' ');
        } else {
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
