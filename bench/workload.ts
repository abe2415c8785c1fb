/**
 * The workload: a changelog shaped like a long-lived application's. Every included file is one feature module
 * of about 20 changesets, and each module creates tables, grows them, indexes them, links them to tables of
 * earlier modules, seeds a few rows and runs some raw SQL. The model here is format-neutral; changelog-yaml.ts
 * and changelog-xml.ts write it out. Deterministic: the same N always gives the same files and checksums.
 */

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly primaryKey?: boolean;
  readonly autoIncrement?: boolean;
  readonly nullable?: boolean;
  readonly defaultValue?: string;
  readonly defaultValueComputed?: string;
}

export type Change =
  | { readonly kind: 'createTable'; readonly table: string; readonly columns: readonly Column[] }
  | { readonly kind: 'addColumn'; readonly table: string; readonly column: Column }
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: string; readonly column: string }
  | { readonly kind: 'addForeignKeyConstraint'; readonly table: string; readonly column: string;
      readonly referencedTable: string; readonly constraint: string }
  | { readonly kind: 'insert'; readonly table: string; readonly values: Readonly<Record<string, string>> }
  | { readonly kind: 'sql'; readonly sql: string };

export interface ChangeSet {
  readonly id: string;
  readonly author: string;
  readonly changes: readonly Change[];
}

export interface Module {
  /** The file's base name without extension, e.g. `0007-module`. */
  readonly name: string;
  readonly changeSets: readonly ChangeSet[];
}

/** Changesets per included file: N changesets make about N/20 files. */
export const CHANGESETS_PER_FILE = 20;

type Kind = 'T' | 'C' | 'I' | 'F' | 'N' | 'S';

/**
 * One module's mix, in order: 4 createTable, 5 addColumn, 3 createIndex, 2 addForeignKeyConstraint,
 * 4 small inserts, 2 raw SQL. Interleaved as a team would write them, not sorted by kind.
 */
const MODULE_PATTERN: readonly Kind[] = [
  'T', 'T', 'C', 'I', 'T', 'C', 'F', 'N', 'S', 'T', 'C', 'I', 'N', 'C', 'F', 'N', 'S', 'C', 'I', 'N',
];

const COLUMN_TYPES = ['int', 'varchar(64)', 'boolean', 'numeric(12,2)', 'timestamp', 'text'] as const;

interface TableState {
  readonly name: string;
  readonly extraColumns: string[];
  linked: boolean;
  rows: number;
  indexes: number;
}

/** A small deterministic generator (mulberry32), so that runs on any machine write the same bytes. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateWorkload(changesetCount: number): Module[] {
  const next = random(changesetCount * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const tables: TableState[] = [];
  const modules: Module[] = [];
  let remaining = changesetCount;
  for (let m = 1; remaining > 0; m++) {
    const prefix = String(m).padStart(4, '0');
    const local: TableState[] = [];
    const changeSets: ChangeSet[] = [];
    const count = Math.min(CHANGESETS_PER_FILE, remaining);
    for (let i = 0; i < count; i++) {
      const kind: Kind = local.length === 0 ? 'T' : MODULE_PATTERN[i];
      const id = `${prefix}-${String(i + 1).padStart(2, '0')}`;
      const author = pick(['alice', 'bob', 'carol', 'dave']);
      changeSets.push({ id, author, changes: changesFor(kind, prefix, local, tables, next, pick) });
    }
    modules.push({ name: `${prefix}-module`, changeSets });
    remaining -= count;
  }
  return modules;
}

function changesFor(
  kind: Kind,
  prefix: string,
  local: TableState[],
  all: TableState[],
  next: () => number,
  pick: <T>(items: readonly T[]) => T,
): Change[] {
  switch (kind) {
    case 'T': {
      const table: TableState = { name: `m${prefix}_${pick(ENTITIES)}_${local.length + 1}`, extraColumns: [],
        linked: false, rows: 0, indexes: 0 };
      local.push(table);
      all.push(table);
      return [{ kind: 'createTable', table: table.name, columns: [
        { name: 'id', type: 'bigint', primaryKey: true, autoIncrement: true, nullable: false },
        { name: 'name', type: 'varchar(100)', nullable: false },
        { name: 'status', type: 'varchar(20)', nullable: false, defaultValue: 'new' },
        { name: 'parent_id', type: 'bigint' },
        { name: 'created_at', type: 'timestamp', nullable: false, defaultValueComputed: 'now()' },
      ] }];
    }
    case 'C': {
      const table = pick(local);
      const column = `c${table.extraColumns.length + 1}_${pick(ATTRIBUTES)}`;
      table.extraColumns.push(column);
      const type = pick(COLUMN_TYPES);
      return [{ kind: 'addColumn', table: table.name, column: { name: column, type } }];
    }
    case 'I': {
      const table = pick(local);
      const column = table.extraColumns.length > 0 && next() < 0.7 ? pick(table.extraColumns) : 'name';
      table.indexes++;
      return [{ kind: 'createIndex', table: table.name, column, index: `ix_${table.name}_${table.indexes}` }];
    }
    case 'F': {
      const child = local.find((t) => !t.linked);
      if (!child) return [{ kind: 'sql', sql: `COMMENT ON TABLE ${local[0].name} IS 'Module ${prefix}: no link'` }];
      const candidates = all.filter((t) => t !== child);
      const parent = candidates.length > 0 ? pick(candidates) : child;
      child.linked = true;
      return [{ kind: 'addForeignKeyConstraint', table: child.name, column: 'parent_id', referencedTable: parent.name,
        constraint: `fk_${child.name}_parent` }];
    }
    case 'N': {
      const table = pick(local);
      const rows = 1 + Math.floor(next() * 3);
      return Array.from({ length: rows }, () => {
        table.rows++;
        return { kind: 'insert' as const, table: table.name,
          values: { name: `${pick(ENTITIES)} ${table.rows}`, status: pick(['new', 'active', 'archived']) } };
      });
    }
    case 'S': {
      const table = pick(local);
      const statements = [
        `COMMENT ON TABLE ${table.name} IS 'Owned by module ${prefix}'`,
        `UPDATE ${table.name} SET status = 'active' WHERE status = 'new'`,
        `CREATE OR REPLACE VIEW v_${table.name} AS SELECT id, name, status FROM ${table.name} WHERE status <> 'archived'`,
      ];
      return [{ kind: 'sql', sql: pick(statements) }];
    }
  }
}

const ENTITIES = ['account', 'order', 'invoice', 'product', 'shipment', 'ticket', 'payment', 'review'] as const;
const ATTRIBUTES = ['code', 'amount', 'note', 'flag', 'rank', 'region', 'due', 'label'] as const;
