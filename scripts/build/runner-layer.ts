import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RUNNER_LAYER_DIR, RUNNER_LIB_DIR, RUNNER_SOURCE_DIR } from '../../infra/package-assets';

/** Pinned here rather than in the pom: it runs for the package's build only, never in `mvn verify`. */
const LICENSE_PLUGIN = 'org.codehaus.mojo:license-maven-plugin:2.4.0:add-third-party';
const MAVEN_LAYOUT = join(RUNNER_SOURCE_DIR, 'target', 'lambda');

/** One bundled jar and where its licence came from (Maven's project model). */
export interface JarLicence {
  readonly jar: string;
  readonly coordinates: string;
  readonly name: string;
  readonly licences: string[];
}

/**
 * Builds the runner with Maven (jars under target/lambda/lib, and the licence list of its runtime dependencies
 * from the license plugin), then copies the jars into the layer folder `dist/runner-layer/java/lib`.
 */
export function buildRunnerLayer(log: (line: string) => void): JarLicence[] {
  log('runner: Maven package and third-party licences');
  execFileSync('mvn', [
    '-B', '-q', '-Dmaven.test.skip=true',
    '-Dlicense.excludedScopes=test,provided,system',
    `-Dlicense.outputDirectory=${MAVEN_LAYOUT}`,
    '-Dlicense.thirdPartyFilename=THIRD-PARTY.txt',
    'package', LICENSE_PLUGIN,
  ], { cwd: RUNNER_SOURCE_DIR, stdio: ['ignore', 2, 2] });

  const jars = readdirSync(join(MAVEN_LAYOUT, 'lib')).filter((name) => name.endsWith('.jar')).sort();
  if (jars.length === 0) throw new Error(`the Maven build produced no jars in ${join(MAVEN_LAYOUT, 'lib')}`);
  // Laid out beside the old layer, then swapped in: a synth running meanwhile sees one whole set of jars.
  const next = `${RUNNER_LAYER_DIR}.next`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(join(next, 'java', 'lib'), { recursive: true });
  for (const jar of jars) copyFileSync(join(MAVEN_LAYOUT, 'lib', jar), join(next, 'java', 'lib', jar));
  rmSync(RUNNER_LAYER_DIR, { recursive: true, force: true });
  renameSync(next, RUNNER_LAYER_DIR);
  log(`runner: ${jars.length} jars in ${RUNNER_LIB_DIR}`);
  return matchLicences(jars, readFileSync(join(MAVEN_LAYOUT, 'THIRD-PARTY.txt'), 'utf8'));
}

/** The licence list of the jars already in the layer folder (when Maven had nothing to rebuild). */
export function layerLicences(): JarLicence[] {
  const jars = readdirSync(RUNNER_LIB_DIR).filter((name) => name.endsWith('.jar')).sort();
  return matchLicences(jars, readFileSync(join(MAVEN_LAYOUT, 'THIRD-PARTY.txt'), 'utf8'));
}

// The plugin's line: `(Licence A) (Licence B) Name (group:artifact:version - url)`.
const LINE = /^\s*((?:\([^()]*\)\s*)+)(.*?) \(([^:\s]+):([^:\s]+):(\S+) - [^)]*\)\s*$/;

/**
 * Pairs each jar with its licences. Every jar but the runner's own must be listed by the plugin: a jar with no
 * known licence fails the build rather than shipping unaccounted for.
 */
export function matchLicences(jars: readonly string[], thirdParty: string): JarLicence[] {
  const byJar = new Map<string, JarLicence>();
  for (const line of thirdParty.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, licenceText, name, group, artifact, version] = match;
    const licences = [...licenceText.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]);
    byJar.set(`${artifact}-${version}.jar`, { jar: `${artifact}-${version}.jar`, coordinates: `${group}:${artifact}:${version}`, name, licences });
  }
  const runnerJar = /^liquibase-runner-.*\.jar$/;
  const unlisted = jars.filter((jar) => !byJar.has(jar) && !runnerJar.test(jar));
  if (unlisted.length > 0) {
    throw new Error(`no licence found for ${unlisted.join(', ')} in Maven's third-party list`);
  }
  return jars.map((jar) => byJar.get(jar) ?? {
    jar, coordinates: 'dev.dbmigrator:liquibase-runner', name: 'db-migrator Liquibase runner (this project)', licences: ['Apache-2.0'],
  });
}
