import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, RUNNER_LIB_DIR, RUNNER_SOURCE_DIR } from '../../infra/package-assets';
import { CliError } from '../lib/errors';

/** What Maven reads to build the runner, in a clone; an installed package has none of it. */
const RUNNER_INPUTS = ['pom.xml', '.mvn', join('src', 'main')];

/**
 * True in a clone whose runner sources changed since the build copied the jars into the layer folder (or that
 * has no jars yet). Always false in an installed package: there the jars are all there is.
 */
export function runnerJarsOutdated(): boolean {
  if (!existsSync(join(RUNNER_SOURCE_DIR, 'pom.xml'))) return false;
  if (!existsSync(RUNNER_LIB_DIR)) return true;
  const built = statSync(RUNNER_LIB_DIR).mtimeMs;
  return RUNNER_INPUTS.some((input) => newestMtime(join(RUNNER_SOURCE_DIR, input)) > built);
}

/**
 * Makes sure the runner's jars are there. An installed package ships them prebuilt and never runs Maven; in a
 * clone of the project, a changed runner is rebuilt first (`npm run build:runner`), so that a local run never
 * uses jars older than the source.
 */
export function ensureRunnerBuilt(log: (line: string) => void): void {
  if (runnerJarsOutdated()) {
    log('building the Liquibase runner with Maven (its sources changed since the last build)…');
    const build = spawnSync('npm', ['run', '--silent', 'build:runner'], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    if (build.status !== 0) {
      throw new CliError(`the build of liquibase-runner failed (exit ${build.status ?? build.signal})`);
    }
  }
  if (!hasJars()) {
    throw new CliError(
      `the runner's jars are missing from ${RUNNER_LIB_DIR}: reinstall the package (in a clone of the project: npm run build)`,
    );
  }
}

function hasJars(): boolean {
  return existsSync(RUNNER_LIB_DIR) && readdirSync(RUNNER_LIB_DIR).some((name) => name.endsWith('.jar'));
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}
