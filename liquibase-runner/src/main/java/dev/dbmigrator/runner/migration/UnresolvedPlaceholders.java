package dev.dbmigrator.runner.migration;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;
import liquibase.change.ColumnConfig;
import liquibase.change.core.CreateProcedureChange;
import liquibase.change.core.CreateViewChange;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.precondition.PreconditionLogic;
import liquibase.serializer.LiquibaseSerializable;
import liquibase.statement.SqlStatement;
import liquibase.statement.core.CreateProcedureStatement;
import liquibase.statement.core.CreateViewStatement;

/**
 * Finds {@code ${name}} expressions that no parameter resolved in the changesets a run is about to apply.
 * Liquibase leaves such an expression in place and would run it literally (a table named
 * {@code ${table_prefix}apis}); the runner refuses the run before anything is applied instead. Changesets the run
 * does not select (another context, already applied) are not looked at.
 *
 * <p>Everything Liquibase expands is looked at: every field of every change and precondition, the SQL of
 * {@code sql} and {@code sqlFile} changes, and the files that {@code createView} and {@code createProcedure} read
 * from a path (those are read and expanded when the change runs, so they are read here first).
 */
final class UnresolvedPlaceholders {
  private static final Set<String> DATE_FIELDS = Set.of("valueDate", "defaultValueDate");
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}$]+)}");

  private final Database database;

  UnresolvedPlaceholders(Database database) {
    this.database = database;
  }

  /** Parameter names, each with the first changeset (file::id::author) that uses it, in changelog order. */
  Map<String, String> find(List<ChangeSet> selected) {
    Map<String, String> unresolved = new LinkedHashMap<>();
    for (ChangeSet changeSet : selected) {
      Set<String> names = new LinkedHashSet<>();
      Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Change change : changeSet.getChanges()) {
        try {
          scan(change, names, seen);
          scanLazyText(change, names);
        } catch (RuntimeException unreadable) {
          // A missing file, or a change whose getters need the database: Liquibase's own validation and
          // execution report those, with their own clear messages.
        }
      }
      if (changeSet.getPreconditions() != null) {
        scan(changeSet.getPreconditions(), names, seen);
      }
      for (String name : names) {
        unresolved.putIfAbsent(name, ChangesetIds.of(changeSet));
      }
    }
    return unresolved;
  }

  private void scan(Object value, Set<String> names, Set<Object> seen) {
    if (value == null) {
      return;
    }
    if (value instanceof String text) {
      collect(text, names);
      return;
    }
    if (!seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> items) {
      items.forEach(item -> scan(item, names, seen));
    } else if (value instanceof Map<?, ?> map) {
      map.values().forEach(item -> scan(item, names, seen));
    } else if (value instanceof LiquibaseSerializable serializable) {
      if (serializable instanceof PreconditionLogic logic) {
        scan(logic.getNestedPreconditions(), names, seen);
      }
      for (String field : serializable.getSerializableFields()) {
        if (serializable instanceof ColumnConfig && DATE_FIELDS.contains(field)) {
          // A java.util.Date, which holds no ${…}: Liquibase keeps a date it cannot parse in valueComputed, which
          // is read. Reading these through getSerializableFieldValue builds two date formats per column.
          continue;
        }
        scan(serializable.getSerializableFieldValue(field), names, seen);
      }
    } else if (!(value instanceof Number || value instanceof Boolean || value instanceof Enum<?>)) {
      collect(String.valueOf(value), names);
    }
  }

  /** SQL and files that a change reads only when it runs; reading them here expands them as the run would. */
  private void scanLazyText(Change change, Set<String> names) {
    if (change instanceof AbstractSQLChange sql) {
      collect(sql.getSql(), names);
    } else if (change instanceof CreateViewChange view && view.getPath() != null) {
      for (SqlStatement statement : view.generateStatements(database)) {
        if (statement instanceof CreateViewStatement create) {
          collect(create.getSelectQuery(), names);
        }
      }
    } else if (change instanceof CreateProcedureChange procedure && procedure.getPath() != null) {
      for (SqlStatement statement : procedure.generateStatements(database)) {
        if (statement instanceof CreateProcedureStatement create) {
          collect(create.getProcedureText(), names);
        }
      }
    }
  }

  private static void collect(String text, Set<String> names) {
    if (text == null) {
      return;
    }
    Matcher matcher = EXPRESSION.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1).trim());
    }
  }
}
