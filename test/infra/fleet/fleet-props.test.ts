import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SaasStack } from '../../../infra/examples/fleet-app';
import { ENV, testContext } from '../synth';
import { FLEET_TAG, stateMachineDefinition, synthFleet } from './support';
import { Template } from 'aws-cdk-lib/assertions';

describe('props are checked at synth, with a message naming the construct', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['maxConcurrency 0', { maxConcurrency: 0 }, /Saas\/Fleet: maxConcurrency must be a whole number from 1 to 10000, got 0/],
    ['maxConcurrency above the Distributed Map limit', { maxConcurrency: 10_001 }, /maxConcurrency must be a whole number from 1 to 10000/],
    ['a fractional canary', { canarySize: 1.5 }, /canarySize must be a whole number from 0/],
    ['a negative tolerance', { toleratedFailureCount: -1 }, /toleratedFailureCount must be a whole number from 0/],
    ['a percentage above 100', { toleratedFailurePercentage: 101 }, /toleratedFailurePercentage must be from 0 to 100, got 101/],
    ['a fleet name with a space', { fleetName: 'my fleet' }, /fleetName "my fleet" must be 1 to 32 letters, digits or -/],
    ['a manifest key with a leading slash', { manifestKey: '/m.json' }, /manifestKey "\/m.json" must be an S3 object key/],
    ['no secret scope at all', { secretScope: {} }, /secretScope needs tagKey\/tagValue or namePrefix/],
    ['a tag key without a value', { secretScope: { tagKey: 'k' } }, /give tagKey and tagValue together/],
    ['a bad name prefix', { secretScope: { namePrefix: 'a b' } }, /namePrefix "a b" is not a secret name prefix/],
    ['a timeout under a minute', { fleetTimeout: cdk.Duration.seconds(30) }, /fleetTimeout must be from 1 minute to 365 days/],
    ['a runner setting, checked as for DatabaseMigrator', { connectBudget: cdk.Duration.minutes(20) }, /connectBudget \(20 minutes\) must be shorter than the runner's timeout/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => synthFleet(props as any)).toThrow(message);
  });

  test('a state machine name past 80 characters asks for a shorter fleetName', () => {
    expect(() => synthFleet({ fleetName: 'f'.repeat(32) }, `S${'s'.repeat(60)}`)).toThrow(/longer than 80; choose a shorter fleetName/);
  });
});

describe('props reach the definition and the functions', () => {
  test('a tolerance percentage, a bigger canary and the runner settings', () => {
    const { definition, template, fleet, id } = synthFleet({
      toleratedFailurePercentage: 2.5,
      toleratedFailureCount: 4,
      canarySize: 5,
      maxConcurrency: 3,
      contexts: 'prod',
      lockTimeout: cdk.Duration.seconds(3),
      memorySize: 2048,
      manifestKey: 'tenants.json',
    });
    expect(definition.States.RestWave).toMatchObject({ ToleratedFailurePercentage: 2.5, ToleratedFailureCount: 4, MaxConcurrency: 3 });
    // The canary never runs more at once than the fleet may.
    expect(definition.States.CanaryWave).toMatchObject({ MaxConcurrency: 3, ItemReader: { ReaderConfig: { MaxItems: 5 } } });
    expect(definition.States.RestWave.ItemReader.Parameters.Key).toBe('tenants.json');
    const target = template.toJSON().Resources[id(fleet.targetFunction)].Properties;
    expect(target.MemorySize).toBe(2048);
    expect(target.Timeout).toBe(900);
    expect(target.Environment.Variables).toMatchObject({ CHANGELOG_CONTEXTS: 'prod', LOCK_TIMEOUT_SECONDS: '3', FLEET_MANIFEST_KEY: 'tenants.json' });
  });

  test('an existing manifest bucket is used as is, and stackOutputs: false leaves the output ids free', () => {
    const app = new cdk.App({ context: testContext() });
    const stack = new cdk.Stack(app, 'Two', { env: ENV });
    const bucket = new cdk.aws_s3.Bucket(stack, 'Tenants');
    const vpc = new cdk.aws_ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const { DatabaseFleetMigrator } = require('../../../infra');
    const { DEMO_CHANGELOG_DIR } = require('../../../infra/build-app');
    const common = { vpc, changelogDir: DEMO_CHANGELOG_DIR, secretScope: FLEET_TAG, manifestBucket: bucket };
    new DatabaseFleetMigrator(stack, 'A', { ...common, fleetName: 'a' });
    new DatabaseFleetMigrator(stack, 'B', { ...common, fleetName: 'b', stackOutputs: false, eventBusName: 'db-migrator-b' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 3); // the user's manifest bucket and one results bucket per fleet
    expect(Object.keys(template.toJSON().Outputs ?? {})).toHaveLength(6);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  });
});

describe('the example app (infra/examples/fleet-app.ts)', () => {
  test('synthesizes a complete app (VPC, Aurora Serverless v2, the fleet) that passes cdk-nag, every exception acknowledged with a reason', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-fleet-example-'));
    try {
      const app = new cdk.App({ outdir, context: testContext() });
      const stack = new SaasStack(app, 'Saas', { env: ENV });
      const checks = new AwsSolutionsChecks(app);
      const report = checks.validateScope(app);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
      cdk.Validations.of(app).addPlugins(checks);
      const template = app.synth().getStackByName(stack.stackName).template;
      const types = new Set(Object.values<any>(template.Resources).map((r) => r.Type));
      for (const type of ['AWS::EC2::VPC', 'AWS::RDS::DBCluster', 'AWS::StepFunctions::StateMachine', 'AWS::Events::Rule']) {
        expect(types.has(type)).toBe(true);
      }
      const cluster = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::RDS::DBCluster');
      expect(cluster.Properties.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0, MaxCapacity: 4 });
      const definition = stateMachineDefinition(Template.fromJSON(template));
      expect(definition.States.CanaryWave.ItemReader.ReaderConfig.MaxItems).toBe(2);
      // The cluster's secret carries the fleet's tag, so the runner's ABAC condition admits it.
      const secret = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::SecretsManager::Secret');
      expect(secret.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'db-migrator-fleet', Value: 'tenants' }]));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
