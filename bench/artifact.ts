import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workDir } from './config';

/** Lambda's limit on a function's code and all its layers together, unzipped (its quotas count MB as MiB). */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

/** One deployment asset as CDK uploads it: a deflated zip of a folder. */
export interface Asset {
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly files: number;
}

export interface LayerAsset extends Asset {
  /** The largest jars, biggest first: where trimming would pay. */
  readonly largest: ReadonlyArray<{ readonly jar: string; readonly bytes: number }>;
}

/**
 * M4 in the layer layout: the runner's jars ship as a Lambda layer (`java/lib/*.jar`, extracted under /opt), and
 * the function's own code is only the user's changelog folder (at the root of /var/task). Lambda counts both
 * against one 250 MiB unzipped limit.
 */
export interface Artifact {
  readonly layer: LayerAsset;
  readonly function: Asset;
  readonly unzippedTotalBytes: number;
  readonly zipTotalBytes: number;
  readonly unzippedLimitBytes: number;
}

export function measureArtifact(runnerLibDir: string, changelogDir: string, label: string): Artifact {
  const layer = measureLayer(runnerLibDir, label);
  const fn = zipFolder(changelogDir, join(workDir, 'artifacts', `${label}-function.zip`));
  return {
    layer,
    function: fn,
    unzippedTotalBytes: layer.unzippedBytes + fn.unzippedBytes,
    zipTotalBytes: layer.zipBytes + fn.zipBytes,
    unzippedLimitBytes: LAMBDA_UNZIPPED_LIMIT_BYTES,
  };
}

/** The runner's layer, laid out as `java/lib/*.jar` from a copy of the Lambda layout's jars, then zipped. */
function measureLayer(runnerLibDir: string, label: string): LayerAsset {
  const staging = join(workDir, 'artifacts', `${label}-layer`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'java', 'lib'), { recursive: true });
  const jars = readdirSync(runnerLibDir).filter((f) => f.endsWith('.jar'));
  for (const jar of jars) copyFileSync(join(runnerLibDir, jar), join(staging, 'java', 'lib', jar));
  const asset = zipFolder(staging, join(workDir, 'artifacts', `${label}-layer.zip`));
  const largest = jars.map((jar) => ({ jar, bytes: statSync(join(runnerLibDir, jar)).size }))
    .sort((a, b) => b.bytes - a.bytes).slice(0, 8);
  return { ...asset, largest };
}

function zipFolder(dir: string, zip: string): Asset {
  mkdirSync(dirname(zip), { recursive: true });
  rmSync(zip, { force: true });
  // The JDK's jar tool writes an ordinary deflated zip and is there wherever the runner can be built.
  const result = spawnSync('jar', ['--create', '--no-manifest', '--file', zip, '-C', dir, '.'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`zipping ${dir} failed: ${result.stderr}`);
  const sizes = filesUnder(dir).map((f) => statSync(f).size);
  return { zipBytes: statSync(zip).size, unzippedBytes: sizes.reduce((a, b) => a + b, 0), files: sizes.length };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}
