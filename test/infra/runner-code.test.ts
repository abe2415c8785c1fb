import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Template } from 'aws-cdk-lib/assertions';
import { DatabaseMigrator } from '../../infra';
import { DEMO_CHANGELOG_DIR } from '../../infra/build-app';
import { runnerLayerCode } from '../../infra/runner-code';
import { ENV, single, testContext } from './synth';

let root: string;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-hash-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** The S3 keys (content hashes) of the migrator's three assets, for a changelog folder. */
function assetKeys(changelogDir: string): { layer: string; runner: string; replay: string } {
  const app = new cdk.App({ context: testContext() });
  const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
  const migrator = new DatabaseMigrator(stack, 'Migrator', {
    vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
    databaseSecret: new secretsmanager.Secret(stack, 'DbSecret'),
    databaseName: 'app',
    changelogDir,
  });
  const template = Template.fromStack(stack);
  const key = (construct: lambda.Function | lambda.LayerVersion, property: string): string =>
    template.toJSON().Resources[stack.getLogicalId(construct.node.defaultChild as cdk.CfnElement)].Properties[property].S3Key;
  return {
    layer: key(migrator.runnerLayer, 'Content'),
    runner: key(migrator.function, 'Code'),
    replay: key(migrator.replayFunction, 'Code'),
  };
}

/** The S3 key of a runner layer built from `layerDir`. */
function layerKey(layerDir: string): string {
  const stack = new cdk.Stack(new cdk.App({ context: testContext() }), 'Layer', { env: ENV });
  new lambda.LayerVersion(stack, 'RunnerLayer', { code: runnerLayerCode(layerDir) });
  return single(Template.fromStack(stack), 'AWS::Lambda::LayerVersion').resource.Properties.Content.S3Key;
}

function copyOfDemoChangelog(name: string): string {
  const dir = path.join(root, name);
  fs.cpSync(DEMO_CHANGELOG_DIR, dir, { recursive: true });
  return dir;
}

describe('the asset hashes change only when the runner or the changelog changes', () => {
  test('the same changelog gives the same hashes, wherever the folder is', () => {
    const here = assetKeys(DEMO_CHANGELOG_DIR);
    expect(here.layer).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(assetKeys(copyOfDemoChangelog('elsewhere'))).toEqual(here);
  });

  test.each([
    ['an edited changeset', (dir: string) => fs.appendFileSync(path.join(dir, 'db.changelog-master.yaml'), '\n# edited\n')],
    ['a new changeset file', (dir: string) => write(path.join(dir, 'changes', '999-new.yaml'), 'databaseChangeLog: []\n')],
    ['a renamed file', (dir: string) => {
      const [first] = fs.readdirSync(path.join(dir, 'changes'));
      fs.renameSync(path.join(dir, 'changes', first), path.join(dir, 'changes', `0${first}`));
    }],
  ])('%s changes the runner function code only: the layer and the replay bundle stay', (_what, change) => {
    const dir = copyOfDemoChangelog('changelog');
    const before = assetKeys(dir);
    change(dir);
    const after = assetKeys(dir);
    expect(after.runner).not.toBe(before.runner);
    expect(after.layer).toBe(before.layer);
    expect(after.replay).toBe(before.replay);
  });

  test('touching the changelog (same bytes, new times) changes nothing', () => {
    const dir = copyOfDemoChangelog('changelog');
    const before = assetKeys(dir);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'db.changelog-master.yaml'), later, later);
    expect(assetKeys(dir)).toEqual(before);
  });

  describe('the runner layer', () => {
    function layer(name: string, jars: Record<string, string>): string {
      const dir = path.join(root, name);
      for (const [jar, bytes] of Object.entries(jars)) write(path.join(dir, 'java', 'lib', jar), bytes);
      return dir;
    }

    test('is the same for the same jars, wherever they are and whenever they were copied', () => {
      const a = layer('a', { 'liquibase-runner-0.1.0.jar': 'runner 0.1.0', 'liquibase-core-4.33.0.jar': 'core' });
      const b = layer('b', { 'liquibase-runner-0.1.0.jar': 'runner 0.1.0', 'liquibase-core-4.33.0.jar': 'core' });
      expect(layerKey(b)).toBe(layerKey(a));
    });

    test('changes with a new runner version', () => {
      const old = layer('old', { 'liquibase-runner-0.1.0.jar': 'runner 0.1.0', 'liquibase-core-4.33.0.jar': 'core' });
      const next = layer('next', { 'liquibase-runner-0.2.0.jar': 'runner 0.2.0', 'liquibase-core-4.33.0.jar': 'core' });
      expect(layerKey(next)).not.toBe(layerKey(old));
    });

    test('without jars, synth fails saying how to get them', () => {
      fs.mkdirSync(path.join(root, 'empty', 'java', 'lib'), { recursive: true });
      expect(() => layerKey(path.join(root, 'empty'))).toThrow(/the prebuilt runner is missing: no jars in .*npm run build/);
    });
  });
});
