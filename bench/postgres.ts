import { Client } from 'pg';
import { LocalPostgres, startEmbeddedPostgres } from '../cli/local/embedded-postgres';

/** One database of the bench's server: what the runner's secret, the stock CLI's URL and the floor need. */
export interface BenchDatabase {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly jdbcUrl: string;
  /** The runner's DB_MIGRATOR_SECRET_JSON, in the shape RDS writes to Secrets Manager. */
  readonly secretJson: string;
}

export interface BenchPostgres {
  /** A new, empty database; each name is used once. */
  createDatabase(label: string): Promise<BenchDatabase>;
  /** Rows in DATABASECHANGELOG, or 0 when the table does not exist yet. */
  appliedCount(db: BenchDatabase): Promise<number>;
  serverVersion(): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server: LocalPostgres = await startEmbeddedPostgres();
  let counter = 0;
  const database = (name: string): BenchDatabase => ({
    host: server.host,
    port: server.port,
    username: server.username,
    password: server.password,
    name,
    jdbcUrl: `jdbc:postgresql://${server.host}:${server.port}/${name}`,
    secretJson: JSON.stringify({ host: server.host, port: server.port, username: server.username,
      password: server.password, dbname: name }),
  });
  const query = async <T>(dbname: string, run: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ host: server.host, port: server.port, user: server.username,
      password: server.password, database: dbname });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };
  return {
    async createDatabase(label) {
      const name = `${label.replace(/[^a-z0-9_]/g, '_')}_${++counter}`;
      await server.createDatabase(name);
      return database(name);
    },
    appliedCount: (db) => query(db.name, async (client) => {
      const exists = await client.query("SELECT to_regclass('public.databasechangelog') IS NOT NULL AS present");
      if (!exists.rows[0].present) return 0;
      const rows = await client.query('SELECT count(*)::int AS n FROM databasechangelog');
      return rows.rows[0].n as number;
    }),
    serverVersion: () => query('postgres', async (client) =>
      (await client.query('SHOW server_version')).rows[0].server_version as string),
    stop: () => server.stop(),
  };
}
