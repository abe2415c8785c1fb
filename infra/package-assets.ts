import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the prebuilt Lambda code lives, for the construct and the CLI alike. The package's build (`npm run build`,
 * run by `npm ci` in a clone and by `npm pack`) writes it under `dist/`; an installed package ships it there.
 * The package root is the nearest folder with a package.json above this file, which is the clone for the
 * TypeScript source (infra/) and the installed package for the compiled code (dist/infra/).
 */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** The runner's layer: `java/lib/*.jar`, which the java21 runtime puts on the classpath from /opt. */
export const RUNNER_LAYER_DIR = join(PACKAGE_ROOT, 'dist', 'runner-layer');
export const RUNNER_LIB_DIR = join(RUNNER_LAYER_DIR, 'java', 'lib');

/** The replay handler: one esbuild bundle, `index.js`, exporting `handler`. */
export const REPLAY_HANDLER_DIR = join(PACKAGE_ROOT, 'dist', 'replay-handler');

/** The fleet's Summarize step: one esbuild bundle, `index.js`, exporting `handler`. */
export const FLEET_SUMMARY_HANDLER_DIR = join(PACKAGE_ROOT, 'dist', 'fleet-summary-handler');

/** In a clone only: the runner's Maven project, which the build turns into the layer's jars. */
export const RUNNER_SOURCE_DIR = join(PACKAGE_ROOT, 'liquibase-runner');

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
