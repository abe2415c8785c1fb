import type { DatabaseSecret } from './db-secret';
import { UsageError } from './errors';

export interface DatabaseTarget {
  readonly secret: DatabaseSecret;
  /** From the URL's `sslmode`, if it has one. */
  readonly sslMode: string | undefined;
}

/**
 * postgres://user:password@host:port/dbname?sslmode=require, as libpq takes it. The user and password may
 * come from PGUSER and PGPASSWORD instead, which keeps the password out of the process list.
 */
export function parseDatabaseUrl(text: string, env: Readonly<Record<string, string | undefined>>): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--database-url "${redact(text)}" is not a URL like postgres://user@host:5432/dbname`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`--database-url must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  const dbname = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const username = decodeURIComponent(url.username) || env.PGUSER || '';
  const password = url.password ? decodeURIComponent(url.password) : (env.PGPASSWORD ?? '');
  const port = url.port ? Number(url.port) : 5432;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new UsageError('--database-url has no host');
  if (!dbname) throw new UsageError('--database-url names no database: add it as the path, e.g. postgres://app@db:5432/app');
  if (!username) throw new UsageError('--database-url has no user name: put it in the URL or in PGUSER');
  return { secret: { host, port, username, password, dbname }, sslMode: url.searchParams.get('sslmode') ?? undefined };
}

/** A URL for messages, without its password. */
export function redact(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
