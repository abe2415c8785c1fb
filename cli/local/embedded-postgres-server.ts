/**
 * Starts an embedded PostgreSQL for another process (the Java tests, the benchmarks), prints one JSON line
 * {host, port, username, password} on stdout when it is ready, and stops it when stdin closes, so the server
 * never outlives the process that asked for it.
 */
import { startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres();
  const stop = async (): Promise<void> => {
    await pg.stop();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ host: pg.host, port: pg.port, username: pg.username, password: pg.password })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded PostgreSQL failed to start: ${String(error)}\n`);
  process.exit(1);
});
