import { Client } from 'pg';
import type { DatabaseSecret } from '../../../cli/lib/db-secret';
import type { PostgresServer } from './postgres-server';

let databases = 0;

/** A superuser connection to `database` of the test server. */
export async function connect(pg: PostgresServer, database: string): Promise<Client> {
  const client = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database });
  await client.connect();
  return client;
}

/** A fresh empty database on the test server, with the server's superuser credentials. */
export async function emptyDatabase(pg: PostgresServer, prefix = 'lint'): Promise<DatabaseSecret> {
  const name = `${prefix}_${process.pid}_${++databases}`;
  const admin = await connect(pg, 'postgres');
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return { host: pg.host, port: pg.port, username: pg.username, password: pg.password, dbname: name };
}
