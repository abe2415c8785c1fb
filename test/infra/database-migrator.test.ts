import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DatabaseMigrator, type DatabaseMigratorProps } from '../../infra';
import { ACCOUNT, asList, ENV, REGION, roleStatements, single, statementsAllowing, testContext } from './synth';
import { DEMO_CHANGELOG_DIR } from '../../infra/build-app';
import { REPLAY_HANDLER_DIR, RUNNER_LAYER_DIR } from '../../infra/package-assets';

interface Fixture {
  readonly app: cdk.App;
  readonly stack: cdk.Stack;
  readonly vpc: ec2.Vpc;
  readonly secret: secretsmanager.Secret;
}

/** A user's own app: a VPC with public and private subnets, and a secret. */
function fixture(env: cdk.Environment = ENV): Fixture {
  const app = new cdk.App({ context: testContext() });
  const stack = new cdk.Stack(app, 'UserApp', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const secret = new secretsmanager.Secret(stack, 'DbSecret');
  return { app, stack, vpc, secret };
}

function migrator(f: Fixture, props: Partial<DatabaseMigratorProps> = {}): DatabaseMigrator {
  return new DatabaseMigrator(f.stack, 'Migrator', {
    vpc: f.vpc,
    databaseSecret: f.secret,
    databaseName: 'app',
    changelogDir: DEMO_CHANGELOG_DIR,
    ...props,
  });
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-test-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('DatabaseMigrator defaults', () => {
  let f: Fixture;
  let m: DatabaseMigrator;
  let template: Template;
  beforeAll(() => {
    f = fixture();
    m = migrator(f);
    template = Template.fromStack(f.stack);
  });

  test('watches its own stack only', () => {
    const { resource } = single(template, 'AWS::Events::Rule', { EventPattern: { source: ['aws.cloudformation'] } });
    expect(resource.Properties.EventPattern.detail['stack-id']).toEqual([{ Ref: 'AWS::StackId' }]);
  });

  test('names the result parameter after its stack and database, and exposes its ARN', () => {
    expect(m.resultParameterName).toBe('/db-migrator/UserApp/app/last-result');
    expect(f.stack.resolve(m.resultParameterArn)).toBe(
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/db-migrator/UserApp/app/last-result`,
    );
  });

  test('creates the db-migrator bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'db-migrator' });
  });

  test('runs in the private subnets with egress, in a group of its own that the database can admit', () => {
    const fn = template.toJSON().Resources[f.stack.getLogicalId(m.function.node.defaultChild as any)].Properties;
    expect(fn.VpcConfig.SubnetIds).toEqual(
      f.vpc.privateSubnets.map((s) => ({ Ref: f.stack.getLogicalId(s.node.defaultChild as any) })),
    );
    expect(m.connections.securityGroups).toHaveLength(1);
  });

  test('reserves no concurrency', () => {
    const fn = template.toJSON().Resources[f.stack.getLogicalId(m.function.node.defaultChild as any)].Properties;
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('DatabaseMigrator options', () => {
  test('takes timeout, memory, reserved concurrency, bus and parameter name', () => {
    const f = fixture();
    const m = migrator(f, {
      timeout: cdk.Duration.minutes(5),
      memorySize: 2048,
      reservedConcurrency: 1,
      eventBusName: 'schema-events',
      resultParameterName: 'migrations/app',
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'java21',
      Timeout: 300,
      MemorySize: 2048,
      ReservedConcurrentExecutions: 1,
    });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'schema-events' });
    // A name without a leading slash needs none removed.
    expect(f.stack.resolve(m.resultParameterArn)).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/migrations/app`);
  });

  test('watches stacks of the same app by id and other stacks by name', () => {
    const f = fixture();
    const other = new cdk.Stack(f.app, 'Other', { env: ENV });
    new cdk.CfnWaitConditionHandle(other, 'SomeResource');
    migrator(f, { watchedStacks: [f.stack, other, 'legacy'] });
    const template = Template.fromStack(f.stack);
    const { resource } = single(template, 'AWS::Events::Rule', { EventPattern: { source: ['aws.cloudformation'] } });
    const stackIds = resource.Properties.EventPattern.detail['stack-id'];
    expect(stackIds[0]).toEqual({ Ref: 'AWS::StackId' });
    expect(stackIds[1]).toEqual({ 'Fn::ImportValue': expect.stringContaining('Other:') });
    expect(stackIds[2]).toEqual({ prefix: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/legacy/` });
  });

  test('ships a changelog folder of the user', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'db.changelog-master.yaml'), 'databaseChangeLog: []\n');
    const f = fixture();
    expect(() => migrator(f, { changelogDir: dir })).not.toThrow();
  });

  test('in an environment-agnostic stack, builds the ARNs from pseudo parameters', () => {
    const f = fixture({});
    const m = migrator(f, { watchedStacks: ['legacy'] });
    const template = Template.fromStack(f.stack);
    const role = f.stack.getLogicalId(m.function.role!.node.defaultChild as any);
    const [describe] = statementsAllowing(roleStatements(template, role), 'cloudformation:DescribeStacks');
    const text = JSON.stringify(asList(describe.Resource));
    expect(text).toContain('AWS::Region');
    expect(text).toContain('AWS::AccountId');
    expect(text).toContain(':stack/legacy/*');
  });
});

describe('DatabaseMigrator validation', () => {
  test('rejects an empty watchedStacks', () => {
    expect(() => migrator(fixture(), { watchedStacks: [] })).toThrow(/UserApp\/Migrator: watchedStacks is empty/);
  });

  test('rejects a missing changelog folder, naming the path', () => {
    const missing = path.join(tempDir(), 'nope');
    expect(() => migrator(fixture(), { changelogDir: missing })).toThrow(
      new RegExp(`changelogDir ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`),
    );
  });

  test('rejects a changelog folder without the master file, naming the path', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'changelog.yaml'), 'databaseChangeLog: []\n');
    expect(() => migrator(fixture(), { changelogDir: dir })).toThrow(
      `changelogDir ${dir} has no db.changelog-master.yaml`,
    );
  });

  test('rejects an invalid stack name', () => {
    expect(() => migrator(fixture(), { watchedStacks: ['not a stack!'] })).toThrow(/not a valid CloudFormation stack name/);
  });

  test('rejects a watched stack in another region', () => {
    const f = fixture();
    const elsewhere = new cdk.Stack(f.app, 'Elsewhere', { env: { account: ACCOUNT, region: 'us-west-2' } });
    expect(() => migrator(f, { watchedStacks: [elsewhere] })).toThrow(/is in region us-west-2/);
  });

  test('rejects a database name that is not an identifier', () => {
    expect(() => migrator(fixture(), { databaseName: 'my-db' })).toThrow(/databaseName "my-db"/);
  });

  test('rejects a reserved or malformed parameter name', () => {
    expect(() => migrator(fixture(), { resultParameterName: '/aws/thing' })).toThrow(/resultParameterName/);
    expect(() => migrator(fixture(), { resultParameterName: '/a b' })).toThrow(/resultParameterName/);
  });

  test('rejects the default bus as the migrator bus', () => {
    expect(() => migrator(fixture(), { eventBusName: 'default' })).toThrow(/eventBusName "default"/);
  });

  test('rejects something that is not an e-mail address', () => {
    expect(() => migrator(fixture(), { alertEmails: ['ops'] })).toThrow(/alertEmails entry "ops"/);
  });

  test('rejects a reserved concurrency below 1', () => {
    expect(() => migrator(fixture(), { reservedConcurrency: 0 })).toThrow(/reservedConcurrency/);
  });

  test('rejects a VPC without private subnets unless told where to run', () => {
    const f = fixture();
    const publicOnly = new ec2.Vpc(f.stack, 'PublicVpc', {
      maxAzs: 2,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    expect(() => migrator(f, { vpc: publicOnly })).toThrow(/no private subnets/);
  });
});

describe('the Lambda code: all prebuilt, each a folder asset', () => {
  function withAssetMetadata(props: (stack: cdk.Stack) => Partial<DatabaseMigratorProps> = () => ({})) {
    const app = new cdk.App({ context: testContext({ 'aws:cdk:enable-asset-metadata': true }) });
    const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
    const f = { app, stack, vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }), secret: new secretsmanager.Secret(stack, 'DbSecret') };
    const m = migrator(f, props(stack));
    const resources = Template.fromStack(stack).toJSON().Resources;
    const resource = (c: { node: { defaultChild?: unknown } }) => resources[stack.getLogicalId(c.node.defaultChild as cdk.CfnElement)];
    return { stack, m, resource };
  }

  test('the runner: its code is the changelog folder, its jars the package\'s layer, CHANGELOG_DIR the code\'s root', () => {
    const { stack, m, resource } = withAssetMetadata();
    const runner = resource(m.function);
    const layer = resource(m.runnerLayer);
    expect(runner.Metadata['aws:asset:path']).toBe(DEMO_CHANGELOG_DIR);
    expect(runner.Properties.Environment.Variables.CHANGELOG_DIR).toBe('/var/task');
    expect(runner.Properties.Layers).toEqual([{ Ref: stack.getLogicalId(m.runnerLayer.node.defaultChild as cdk.CfnElement) }]);
    expect(layer.Metadata['aws:asset:path']).toBe(RUNNER_LAYER_DIR);
    expect(layer.Properties.CompatibleRuntimes).toEqual(['java21']);
    expect(fs.readdirSync(path.join(RUNNER_LAYER_DIR, 'java', 'lib'))).toContain('liquibase-core-4.33.0.jar');
  });

  test('the replay function: the prebuilt bundle, handler index.handler', () => {
    const { m, resource } = withAssetMetadata();
    const replay = resource(m.replayFunction);
    expect(replay.Metadata['aws:asset:path']).toBe(REPLAY_HANDLER_DIR);
    expect(replay.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(fs.readdirSync(REPLAY_HANDLER_DIR)).toEqual(['index.js']);
  });

  test('extraLayers join the runner\'s own layer (their java/lib jars join its classpath)', () => {
    const withExtra = withAssetMetadata((stack) => ({
      extraLayers: [lambda.LayerVersion.fromLayerVersionArn(stack, 'Extension', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:liquibase-ext:3`)],
    }));
    const layers = withExtra.resource(withExtra.m.function).Properties.Layers;
    expect(layers).toHaveLength(2);
    expect(layers).toEqual(expect.arrayContaining([
      { Ref: withExtra.stack.getLogicalId(withExtra.m.runnerLayer.node.defaultChild as cdk.CfnElement) },
      `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:liquibase-ext:3`,
    ]));
  });

  test('a missing changelogDir (a JavaScript app can omit it) fails at synth, naming the prop', () => {
    expect(() => migrator(fixture(), { changelogDir: undefined })).toThrow(
      'UserApp/Migrator: changelogDir is required: the folder that holds your db.changelog-master.yaml',
    );
  });

  test('more than four extraLayers fail at synth: Lambda allows five in all', () => {
    const f = fixture();
    const layers = [1, 2, 3, 4, 5].map((n) =>
      lambda.LayerVersion.fromLayerVersionArn(f.stack, `Ext${n}`, `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:ext:${n}`));
    expect(() => migrator(f, { extraLayers: layers })).toThrow(/extraLayers holds 5 layers; Lambda allows 5 per function/);
  });
});
