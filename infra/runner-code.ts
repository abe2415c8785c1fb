import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FLEET_SUMMARY_HANDLER_DIR, REPLAY_HANDLER_DIR, RUNNER_LAYER_DIR } from './package-assets';

/**
 * The Lambda code of the migrator, all prebuilt by the package's build, so that synth needs Node alone (no Java,
 * Maven, Docker or esbuild). Every asset is a folder, so its contents can be read in cdk.out, and its hash is
 * the hash of those contents: it changes when the runner's jars, the replay bundle or the changelog change,
 * and never because of where the files sit or when they were built.
 */

/**
 * The runner's layer: its jars under `java/lib/`, which the java21 runtime puts on the classpath from /opt.
 * A layer of its own keeps the jars (about 25 MB) out of the function code: a changelog edit uploads kilobytes.
 */
export function runnerLayerCode(layerDir: string = RUNNER_LAYER_DIR): lambda.Code {
  const libDir = path.join(layerDir, 'java', 'lib');
  if (!fs.existsSync(libDir) || !fs.readdirSync(libDir).some((name) => name.endsWith('.jar'))) {
    throw new Error(
      `the prebuilt runner is missing: no jars in ${libDir}. Reinstall the package; in a clone of the project, run \`npm run build\``,
    );
  }
  return lambda.Code.fromAsset(layerDir);
}

/** The runner function's own code: the changelog folder alone, at the root of /var/task. */
export function changelogCode(changelogDir: string): lambda.Code {
  return lambda.Code.fromAsset(changelogDir);
}

/** Where the runner finds the changelog: the function code's root. */
export const RUNNER_CHANGELOG_DIR = '/var/task';

/** The replay function's code: one bundled file, `index.js`, exporting `handler`. */
export function replayHandlerCode(handlerDir: string = REPLAY_HANDLER_DIR): lambda.Code {
  if (!fs.existsSync(path.join(handlerDir, 'index.js'))) {
    throw new Error(
      `the prebuilt replay handler is missing: no index.js in ${handlerDir}. Reinstall the package; in a clone of the project, run \`npm run build\``,
    );
  }
  return lambda.Code.fromAsset(handlerDir);
}

/** The fleet summary function's code: one bundled file, `index.js`, exporting `handler`. */
export function fleetSummaryHandlerCode(handlerDir: string = FLEET_SUMMARY_HANDLER_DIR): lambda.Code {
  if (!fs.existsSync(path.join(handlerDir, 'index.js'))) {
    throw new Error(
      `the prebuilt fleet summary handler is missing: no index.js in ${handlerDir}. Reinstall the package; in a clone of the project, run \`npm run build\``,
    );
  }
  return lambda.Code.fromAsset(handlerDir);
}
