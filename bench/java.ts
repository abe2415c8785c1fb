import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, runnerBuildLibDir, runnerLibDir, workDir } from './config';

const sources = join(benchDir, 'java');

export const harnessClasses = {
  /** Floor.java alone: the floor's classpath must hold nothing but it and the driver. */
  floor: join(workDir, 'classes', 'floor'),
  /**
   * The warm-JVM harness and the prototypes, compiled against the runner's own lib/*.jar and packed as a jar:
   * AppCDS refuses a classpath holding a non-empty directory.
   */
  warm: join(workDir, 'classes', 'harness.jar'),
};

export function postgresJar(): string {
  const jar = readdirSync(runnerLibDir).find((f) => /^postgresql-.*\.jar$/.test(f));
  if (!jar) throw new Error(`no PostgreSQL driver in ${runnerLibDir}`);
  return join(runnerLibDir, jar);
}

/**
 * Copies the runner's Lambda layout to the place every measurement reads it from (see config.ts): the build of
 * liquibase-runner/, or another build's jars (`--runner-lib DIR`, e.g. a branch's target/lambda/lib).
 */
export function snapshotRunner(fromDir: string = runnerBuildLibDir): void {
  const jars = readdirSync(fromDir).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith('liquibase-runner-'))) throw new Error(`no runner jar in ${fromDir}`);
  rmSync(runnerLibDir, { recursive: true, force: true });
  mkdirSync(runnerLibDir, { recursive: true });
  for (const jar of jars) copyFileSync(join(fromDir, jar), join(runnerLibDir, jar));
}

/** The runner jar's SHA-256 (first 16 hex digits): which build the figures are of. */
export function runnerBuildId(): string {
  const jar = readdirSync(runnerLibDir).find((f) => f.startsWith('liquibase-runner-'));
  if (!jar) throw new Error(`no runner jar in ${runnerLibDir}`);
  return createHash('sha256').update(readFileSync(join(runnerLibDir, jar))).digest('hex').slice(0, 16);
}

/** The snapshot laid out as a Lambda layer (`java/lib/*.jar`), for the emulator when it measures another build. */
export function runnerLayerDir(): string {
  const layer = join(workDir, 'runner-layer');
  rmSync(layer, { recursive: true, force: true });
  mkdirSync(join(layer, 'java', 'lib'), { recursive: true });
  for (const jar of readdirSync(runnerLibDir)) copyFileSync(join(runnerLibDir, jar), join(layer, 'java', 'lib', jar));
  return layer;
}

/**
 * Compiles the Java side of the bench every time: it is small, and compiling against the runner as built now
 * catches a constructor that changed under the warm harness before any figure is taken.
 */
export function compileHarness(): void {
  javac(harnessClasses.floor, [], ['Floor.java']);
  const warmClasses = join(workDir, 'classes', 'warm');
  javac(warmClasses, [`${runnerLibDir}/*`],
    readdirSync(sources).filter((f) => f.endsWith('.java') && f !== 'Floor.java'));
  rmSync(harnessClasses.warm, { force: true });
  const jar = spawnSync('jar', ['--create', '--file', harnessClasses.warm, '-C', warmClasses, '.'], { encoding: 'utf8' });
  if (jar.status !== 0) throw new Error(`packing the harness classes failed: ${jar.stderr}`);
}

function javac(outDir: string, classpath: string[], files: string[]): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const args = ['--release', '17', '-nowarn', '-d', outDir, ...(classpath.length ? ['-cp', classpath.join(':')] : []),
    ...files.map((f) => join(sources, f))];
  const result = spawnSync('javac', args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`javac failed for ${files.join(', ')} (if the runner's constructors changed, update `
      + `bench/java/WarmHarness.java to wire it as LocalMain does):\n${result.stderr}`);
  }
}
