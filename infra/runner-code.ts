import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The Maven project of the Java runner. */
export const DEFAULT_RUNNER_DIR = path.resolve(__dirname, '..', 'liquibase-runner');

/** What Maven reads to build the runner; anything else in the project (tests, target/) cannot change it. */
const BUILD_INPUTS = ['pom.xml', '.mvn', path.join('src', 'main')];

/** Bumped when the asset's layout or the recipe below changes, so a cached asset is not reused. */
const LAYOUT_VERSION = 'lib-and-changelog/1';

const DOCKER_IMAGE = 'public.ecr.aws/sam/build-java21';

/**
 * The runner's deployment package: `lib/*.jar` (the runner and its dependencies; the java21 runtime puts
 * /var/task/lib/*.jar on the classpath) and `changelog/` (so the runner reads it from /var/task/changelog).
 *
 * Bundled by Maven on this machine when `mvn` is on the PATH, otherwise in a Docker image with Maven and
 * Java 21. The asset hash covers only the build inputs and the changelog, so an unchanged runner is neither
 * rebuilt nor re-uploaded.
 */
export function runnerCode(changelogDir: string, runnerDir: string = DEFAULT_RUNNER_DIR): lambda.Code {
  return lambda.Code.fromAsset(runnerDir, {
    assetHashType: cdk.AssetHashType.CUSTOM,
    assetHash: runnerAssetHash(changelogDir, runnerDir),
    bundling: {
      image: cdk.DockerImage.fromRegistry(DOCKER_IMAGE),
      outputType: cdk.BundlingOutput.NOT_ARCHIVED,
      volumes: [{ hostPath: changelogDir, containerPath: '/changelog' }],
      command: [
        'bash',
        '-c',
        [
          'set -euo pipefail',
          // Build in a copy: the mounted project stays untouched, and a stale target/ cannot leak in.
          'mkdir -p /tmp/build/src',
          'cp /asset-input/pom.xml /tmp/build/',
          'if [ -d /asset-input/.mvn ]; then cp -R /asset-input/.mvn /tmp/build/; fi',
          'cp -R /asset-input/src/main /tmp/build/src/',
          'cd /tmp/build',
          // The container runs as the host user, whose home may not be writable.
          'mvn -B -q -Dmaven.test.skip=true -Dmaven.repo.local=/tmp/m2 package',
          'mkdir -p /asset-output/lib /asset-output/changelog',
          'cp target/lambda/lib/*.jar /asset-output/lib/',
          'cp -R /changelog/. /asset-output/changelog/',
        ].join(' && '),
      ],
      local: {
        tryBundle(outputDir: string): boolean {
          const mvn = findOnPath(process.platform === 'win32' ? ['mvn.cmd', 'mvn'] : ['mvn']);
          if (!mvn) return false;
          bundleLocally(mvn, runnerDir, changelogDir, outputDir);
          return true;
        },
      },
    },
  });
}

/** sha256 over the recipe version and every build input and changelog file, by sorted relative path. */
export function runnerAssetHash(changelogDir: string, runnerDir: string = DEFAULT_RUNNER_DIR): string {
  const hash = createHash('sha256').update(LAYOUT_VERSION);
  const files = [
    ...BUILD_INPUTS.flatMap((input) => listFiles(path.join(runnerDir, input)).map((file) => ({
      label: `runner/${toPosix(path.relative(runnerDir, file))}`,
      file,
    }))),
    ...listFiles(changelogDir).map((file) => ({
      label: `changelog/${toPosix(path.relative(changelogDir, file))}`,
      file,
    })),
  ].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  for (const { label, file } of files) {
    hash.update('\0').update(label).update('\0').update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/**
 * Maven builds in a temporary copy of the build inputs, for two reasons: the asset then holds exactly what the
 * hash covers (a class compiled from a since-deleted source file can linger in target/), and a build here
 * cannot collide with a concurrent `mvn` run in the project (an IDE, the test suite).
 */
function bundleLocally(mvn: string, runnerDir: string, changelogDir: string, outputDir: string): void {
  const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-runner-'));
  try {
    for (const input of BUILD_INPUTS) {
      const from = path.join(runnerDir, input);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(buildDir, input), { recursive: true });
    }
    // Maven's output goes to stderr: stdout may carry the synthesized template.
    execFileSync(mvn, ['-B', '-q', '-Dmaven.test.skip=true', 'package'], {
      cwd: buildDir,
      stdio: ['ignore', 2, 2],
      shell: process.platform === 'win32',
    });
    const libDir = path.join(buildDir, 'target', 'lambda', 'lib');
    const jars = fs.existsSync(libDir) ? fs.readdirSync(libDir).filter((name) => name.endsWith('.jar')) : [];
    if (jars.length === 0) {
      throw new Error(`the Maven build of ${runnerDir} produced no jars in target/lambda/lib`);
    }
    fs.mkdirSync(path.join(outputDir, 'lib'), { recursive: true });
    for (const jar of jars) fs.copyFileSync(path.join(libDir, jar), path.join(outputDir, 'lib', jar));
    fs.cpSync(changelogDir, path.join(outputDir, 'changelog'), { recursive: true });
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

function listFiles(target: string): string[] {
  if (!fs.existsSync(target)) return [];
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .flatMap((entry) => listFiles(path.join(target, entry.name)));
}

function findOnPath(names: string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
