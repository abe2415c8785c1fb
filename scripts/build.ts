/**
 * The package build: what `npm pack` ships and what `npm ci` leaves in a clone (the `prepare` script).
 *
 *   dist/infra, dist/cli ...   the construct and the operator CLI, compiled to JavaScript with declarations
 *   dist/replay-handler/       the replay handler, one esbuild bundle
 *   dist/fleet-summary-handler/ the fleet's summary step, one esbuild bundle
 *   dist/runner-layer/java/lib the runner's jars, built by Maven (only when its sources changed)
 *   THIRD-PARTY.txt            the bundled jars and npm packages with their licences
 *
 *   tsx scripts/build.ts                 everything
 *   tsx scripts/build.ts --runner-only   all but the tsc compile (npm run build:runner)
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runnerJarsOutdated } from '../cli/local/runner-jars';
import { PACKAGE_ROOT } from '../infra/package-assets';
import { buildFleetSummaryBundle, buildReplayBundle } from './build/replay-bundle';
import { buildRunnerLayer, layerLicences } from './build/runner-layer';
import { writeThirdParty } from './build/third-party';

/** What tsc writes under dist/ (the rest of dist/ is the prebuilt Lambda code). */
const COMPILED_DIRS = ['infra', 'cli', 'handlers', 'contracts'];

const log = (line: string): void => void process.stderr.write(`build: ${line}\n`);

async function main(argv: string[]): Promise<void> {
  const runnerOnly = argv.includes('--runner-only');
  const jars = runnerJarsOutdated() ? buildRunnerLayer(log) : (log('runner: jars up to date'), layerLicences());
  if (!runnerOnly) {
    log('compiling the construct and the CLI (tsconfig.build.json)');
    // From scratch: a module deleted from the source must not linger in the package.
    for (const dir of COMPILED_DIRS) rmSync(join(PACKAGE_ROOT, 'dist', dir), { recursive: true, force: true });
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PACKAGE_ROOT, 'tsconfig.build.json')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  const bundled = await buildReplayBundle(log);
  const summaryBundled = await buildFleetSummaryBundle(log);
  writeThirdParty(jars, bundled, summaryBundled);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
