import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { FLEET_SUMMARY_HANDLER_DIR, PACKAGE_ROOT, REPLAY_HANDLER_DIR } from '../../infra/package-assets';

export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  readonly licence: string;
}

/**
 * Bundles the replay handler and everything it imports, the AWS SDK included (so it runs the version the tests
 * ran against, not whichever the Lambda runtime carries), into one file: `dist/replay-handler/index.js`.
 * Not minified, so that a stack trace in the function's log reads as the source does.
 */
export async function buildReplayBundle(log: (line: string) => void): Promise<BundledPackage[]> {
  return buildHandlerBundle('replay handler', join(PACKAGE_ROOT, 'handlers', 'replay.ts'), REPLAY_HANDLER_DIR, log);
}

/** The fleet's Summarize step, bundled the same way into `dist/fleet-summary-handler/index.js`. */
export async function buildFleetSummaryBundle(log: (line: string) => void): Promise<BundledPackage[]> {
  return buildHandlerBundle('fleet summary handler', join(PACKAGE_ROOT, 'handlers', 'fleet-summary.ts'), FLEET_SUMMARY_HANDLER_DIR, log);
}

async function buildHandlerBundle(what: string, entry: string, dir: string, log: (line: string) => void): Promise<BundledPackage[]> {
  const outfile = join(dir, 'index.js');
  const result = await build({
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const [bundle] = result.outputFiles;
  // Replaced in one rename, and only when it changed: a synth running meanwhile (the test suite) never reads a
  // half-written bundle, and the folder holds index.js alone, the asset's whole content.
  mkdirSync(dir, { recursive: true });
  if (!existsSync(outfile) || !readFileSync(outfile).equals(Buffer.from(bundle.contents))) {
    writeFileSync(`${outfile}.tmp`, bundle.contents);
    renameSync(`${outfile}.tmp`, outfile);
  }
  for (const name of readdirSync(dir)) {
    if (name !== 'index.js') rmSync(join(dir, name), { recursive: true, force: true });
  }
  const packages = bundledPackages(Object.keys(result.metafile.inputs));
  log(`${what}: ${outfile} (${packages.length} npm packages bundled)`);
  return packages;
}

/** The npm packages whose files went into the bundle, from esbuild's list of inputs. */
function bundledPackages(inputs: readonly string[]): BundledPackage[] {
  const roots = new Set<string>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(match[1]);
  }
  return [...roots].map((root) => {
    const manifest = join(PACKAGE_ROOT, root, 'package.json');
    if (!existsSync(manifest)) throw new Error(`bundled files of ${root} have no package.json`);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string; license?: string };
    if (!pkg.license) throw new Error(`${pkg.name} declares no licence`);
    return { name: pkg.name, version: pkg.version, licence: pkg.license };
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((pkg, i, all) => i === 0 || all[i - 1].name !== pkg.name || all[i - 1].version !== pkg.version);
}
