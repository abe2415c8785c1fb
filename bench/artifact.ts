import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, workDir } from './config';

export interface Artifact {
  /** The deployment zip as CDK uploads it: lib/*.jar plus changelog/, deflated. */
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly jars: number;
  /** The largest jars, biggest first: where trimming would pay. */
  readonly largest: ReadonlyArray<{ readonly jar: string; readonly bytes: number }>;
}

/** M4: zips a Lambda layout (a folder holding lib/) with the app's changelog, the way the asset is laid out. */
export function measureArtifact(libDir: string, label: string): Artifact {
  const zip = join(workDir, 'artifacts', `${label}.zip`);
  mkdirSync(dirname(zip), { recursive: true });
  rmSync(zip, { force: true });
  // The JDK's jar tool writes an ordinary deflated zip and is there wherever the runner can be built.
  const result = spawnSync('jar', ['--create', '--no-manifest', '--file', zip,
    '-C', dirname(libDir), 'lib', '-C', repoRoot, 'changelog'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`zipping the artefact failed: ${result.stderr}`);
  const jars = readdirSync(libDir).filter((f) => f.endsWith('.jar'))
    .map((jar) => ({ jar, bytes: statSync(join(libDir, jar)).size }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    zipBytes: statSync(zip).size,
    unzippedBytes: jars.reduce((sum, j) => sum + j.bytes, 0),
    jars: jars.length,
    largest: jars.slice(0, 8),
  };
}
