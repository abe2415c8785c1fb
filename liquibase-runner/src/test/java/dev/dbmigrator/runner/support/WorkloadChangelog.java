package dev.dbmigrator.runner.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A changelog shaped like a long-lived application's, as the benchmark's workload is: included files of 20
 * changesets, each a feature module that creates tables, grows them, indexes them, links them to earlier tables,
 * seeds a few rows and runs some raw SQL. Every changeset is transactional. Deterministic for a given size.
 */
public final class WorkloadChangelog {
  public static final String MASTER = "db.changelog-master.yaml";
  private static final int PER_FILE = 20;
  /** One module's mix, in order: createTable, addColumn, createIndex, addForeignKey, insert, sql. */
  private static final String PATTERN = "TTCITCFNSTCINCFNSCIN";
  private static final String[] TYPES = {"int", "varchar(64)", "boolean", "numeric(12,2)", "timestamp", "text"};
  private static final String[] ENTITIES = {"order", "invoice", "customer", "product", "shipment", "payment"};

  private final Random random;
  private final List<Table> all = new ArrayList<>();

  private static final class Table {
    final String name;
    final List<String> columns = new ArrayList<>(List.of("name"));
    boolean linked;
    int indexes;
    int rows;

    Table(String name) {
      this.name = name;
    }
  }

  private WorkloadChangelog(int size) {
    this.random = new Random(size * 7919L + 17);
  }

  /** Writes a changelog of {@code changesets} changesets into a new folder and returns it. */
  public static Path write(String name, int changesets) {
    return ChangelogDir.write(name, new WorkloadChangelog(changesets).files(changesets));
  }

  private Map<String, String> files(int changesets) {
    Map<String, String> files = new LinkedHashMap<>();
    StringBuilder master = new StringBuilder("databaseChangeLog:\n");
    int remaining = changesets;
    for (int m = 1; remaining > 0; m++) {
      String prefix = String.format("%04d", m);
      String file = "changes/" + prefix + "-module.yaml";
      master.append("  - include: { file: ").append(file).append(", relativeToChangelogFile: true }\n");
      List<Table> local = new ArrayList<>();
      StringBuilder module = new StringBuilder("databaseChangeLog:\n");
      int count = Math.min(PER_FILE, remaining);
      for (int i = 0; i < count; i++) {
        char kind = local.isEmpty() ? 'T' : PATTERN.charAt(i);
        module.append("  - changeSet:\n      id: ").append(prefix).append('-').append(String.format("%02d", i + 1))
            .append("\n      author: ").append(pick(new String[] {"alice", "bob", "carol"}))
            .append("\n      changes:\n");
        for (String change : changes(kind, prefix, local)) {
          module.append("        - ").append(change).append('\n');
        }
      }
      files.put(file, module.toString());
      remaining -= count;
    }
    files.put(MASTER, master.toString());
    return files;
  }

  private List<String> changes(char kind, String prefix, List<Table> local) {
    switch (kind) {
      case 'T' -> {
        Table table = new Table("m" + prefix + "_" + pick(ENTITIES) + "_" + (local.size() + 1));
        local.add(table);
        all.add(table);
        return List.of("createTable: { tableName: " + table.name + ", columns: ["
            + " { column: { name: id, type: bigint, autoIncrement: true, constraints: { primaryKey: true, nullable: false } } },"
            + " { column: { name: name, type: varchar(100), constraints: { nullable: false } } },"
            + " { column: { name: status, type: varchar(20), defaultValue: new } },"
            + " { column: { name: parent_id, type: bigint } },"
            + " { column: { name: created_at, type: timestamp, defaultValueComputed: now() } } ] }");
      }
      case 'C' -> {
        Table table = pick(local);
        String column = "c" + table.columns.size() + "_" + pick(new String[] {"note", "code", "amount", "flag"});
        table.columns.add(column);
        return List.of("addColumn: { tableName: " + table.name + ", columns: [ { column: { name: " + column
            + ", type: \"" + pick(TYPES) + "\" } } ] }");
      }
      case 'I' -> {
        Table table = pick(local);
        table.indexes++;
        return List.of("createIndex: { tableName: " + table.name + ", indexName: ix_" + table.name + "_"
            + table.indexes + ", columns: [ { column: { name: " + pick(table.columns) + " } } ] }");
      }
      case 'F' -> {
        Table child = local.stream().filter(t -> !t.linked).findFirst().orElse(null);
        if (child == null) {
          return List.of("sql: { sql: \"COMMENT ON TABLE " + local.get(0).name + " IS 'module " + prefix + "'\" }");
        }
        Table parent = pick(all.stream().filter(t -> t != child).toList().isEmpty() ? List.of(child)
            : all.stream().filter(t -> t != child).toList());
        child.linked = true;
        return List.of("addForeignKeyConstraint: { baseTableName: " + child.name + ", baseColumnNames: parent_id,"
            + " referencedTableName: " + parent.name + ", referencedColumnNames: id, constraintName: fk_"
            + child.name + "_parent }");
      }
      case 'N' -> {
        Table table = pick(local);
        List<String> inserts = new ArrayList<>();
        for (int r = 1 + random.nextInt(3); r > 0; r--) {
          table.rows++;
          inserts.add("insert: { tableName: " + table.name + ", columns: [ { column: { name: name, value: \""
              + pick(ENTITIES) + " " + table.rows + "\" } }, { column: { name: status, value: "
              + pick(new String[] {"new", "active", "archived"}) + " } } ] }");
        }
        return inserts;
      }
      default -> {
        Table table = pick(local);
        return List.of(switch (random.nextInt(3)) {
          case 0 -> "sql: { sql: \"UPDATE " + table.name + " SET status = 'active' WHERE id % 2 = 0\" }";
          case 1 -> "sql: { sql: \"CREATE OR REPLACE VIEW v_" + table.name + " AS SELECT id, name, status FROM "
              + table.name + "\" }";
          default -> "sql: { sql: \"COMMENT ON COLUMN " + table.name + ".name IS 'shown to users'\" }";
        });
      }
    }
  }

  private <T> T pick(T[] items) {
    return items[random.nextInt(items.length)];
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }
}
