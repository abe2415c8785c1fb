import { readFileSync } from 'node:fs';
import { parseDatabaseUrl } from '../lib/database-url';
import type { DatabaseSecret } from '../lib/db-secret';
import { UsageError } from '../lib/errors';

/** The fleet contract's target id: what every result carries as target.id. */
export const TARGET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A schema the runner takes: lower case, no quoting needed, not PostgreSQL's own pg_*. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const KEYS = new Set(['id', 'databaseUrl', 'schema']);

export interface LocalTarget {
  readonly id: string;
  readonly secret: DatabaseSecret;
  /** Schema-per-tenant: the target's schema; null for the database's default schema. */
  readonly schema: string | null;
  /** The URL's sslmode, if it has one. */
  readonly sslMode: string | undefined;
}

/**
 * `local --targets FILE`: a JSON array of `{ "id", "databaseUrl", "schema"? }`. Read whole and strictly, as the
 * runner reads a fleet manifest: one bad entry, a duplicate id or an unknown key (a misspelt `schema` would
 * otherwise migrate the default schema) refuses the file before anything runs. Passwords may come from
 * PGPASSWORD, as for --database-url; the message never repeats a URL's password.
 */
export function readTargetsFile(file: string, env: Readonly<Record<string, string | undefined>>): LocalTarget[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--targets ${file} cannot be read as JSON: ${(error as Error).message.split('\n')[0].replace(/"[^"]*"/g, '…')}`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(`--targets ${file} must hold a non-empty JSON array of { "id", "databaseUrl", "schema"? }`);
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const where = `--targets ${file}, entry ${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UsageError(`${where} is not an object`);
    const record = entry as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !KEYS.has(key));
    if (unknown.length > 0) throw new UsageError(`${where} has the unknown key(s) ${unknown.join(', ')} (a target has id, databaseUrl and an optional schema)`);
    const { id, databaseUrl, schema } = record;
    if (typeof id !== 'string' || !TARGET_ID.test(id)) throw new UsageError(`${where}: id must match ${TARGET_ID.source}`);
    if (seen.has(id)) throw new UsageError(`${where}: id ${id} appears twice`);
    seen.add(id);
    if (typeof databaseUrl !== 'string') throw new UsageError(`${where} (${id}) has no databaseUrl`);
    if (schema !== undefined && schema !== null && (typeof schema !== 'string' || !SCHEMA_NAME.test(schema) || schema.startsWith('pg_'))) {
      throw new UsageError(`${where} (${id}): schema must be a lower-case identifier ([a-z_][a-z0-9_]{0,62}, not pg_*)`);
    }
    let target;
    try {
      target = parseDatabaseUrl(databaseUrl, env);
    } catch (error) {
      throw new UsageError(`${where} (${id}): ${(error as Error).message.replace(/^--database-url /, 'databaseUrl ')}`);
    }
    return { id, secret: target.secret, schema: typeof schema === 'string' ? schema : null, sslMode: target.sslMode };
  });
}

/** One sslmode for the whole run: --ssl-mode, else the URLs' own (which must then agree), else prefer. */
export function targetsSslMode(targets: readonly LocalTarget[], option: string | undefined): string {
  if (option) return option;
  const modes = new Set(targets.map((target) => target.sslMode).filter((mode): mode is string => mode !== undefined));
  if (modes.size > 1) throw new UsageError(`the targets' URLs ask for different sslmodes (${[...modes].join(', ')}): give --ssl-mode`);
  return modes.values().next().value ?? 'prefer';
}
