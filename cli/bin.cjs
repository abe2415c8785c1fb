#!/usr/bin/env node
'use strict';
// The CLI is TypeScript; tsx compiles it as it loads, so `npx db-migrator` needs no build step and no global tsx.
require('tsx/cjs');
const { runCli } = require('./main.ts');

/**
 * Exits explicitly, once stdout and stderr have drained: a dependency's exit hook would otherwise end the
 * process with 0 whatever process.exitCode says, and a bare process.exit() could cut off piped output.
 */
function exitWith(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runCli(process.argv.slice(2)).then(exitWith, (error) => {
  process.stderr.write(`db-migrator: unexpected error: ${error && error.stack ? error.stack : String(error)}\n`);
  exitWith(1);
});
