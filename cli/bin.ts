#!/usr/bin/env node
import { runCli } from './main';

/**
 * Exits explicitly, once stdout and stderr have drained: a dependency's exit hook would otherwise end the
 * process with 0 whatever process.exitCode says, and a bare process.exit() could cut off piped output.
 */
function exitWith(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runCli(process.argv.slice(2)).then(exitWith, (error: unknown) => {
  process.stderr.write(`db-migrator: unexpected error: ${error instanceof Error && error.stack ? error.stack : String(error)}\n`);
  exitWith(1);
});
