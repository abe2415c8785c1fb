import { Match } from 'aws-cdk-lib/assertions';
import { exported, single, synthApp, type SynthesizedApp } from './synth';

describe('database stack', () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp();
  });

  test('is Aurora PostgreSQL 16/17, Serverless v2 pausing at 0 ACU, encrypted', () => {
    const { resource } = single(app.database, 'AWS::RDS::DBCluster');
    expect(resource.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: expect.stringMatching(/^1[67]\.\d+$/),
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
      StorageEncrypted: true,
      DatabaseName: 'demo',
      MasterUsername: 'postgres',
      DeletionProtection: false,
    });
    expect(resource.DeletionPolicy).toBe('Snapshot');
    expect(resource.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('has one serverless writer', () => {
    app.database.resourceCountIs('AWS::RDS::DBInstance', 1);
    app.database.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.serverless',
      Engine: 'aurora-postgresql',
      PubliclyAccessible: false,
    });
  });

  test('generates its credentials in Secrets Manager', () => {
    app.database.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: 'password' }),
    });
    app.database.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 1);
  });

  test('lives in the isolated subnets behind the database group', () => {
    const network = app.stacks.network;
    const cluster = single(app.database, 'AWS::RDS::DBCluster').resource.Properties;
    expect(cluster.VpcSecurityGroupIds.map((id: unknown) => exported(app.network, id))).toEqual([
      { 'Fn::GetAtt': [network.getLogicalId(network.databaseSecurityGroup.node.defaultChild as any), 'GroupId'] },
    ]);
    const subnetGroup = single(app.database, 'AWS::RDS::DBSubnetGroup').resource.Properties;
    expect(subnetGroup.SubnetIds.map((id: unknown) => exported(app.network, id))).toEqual(
      network.vpc.isolatedSubnets.map((s) => ({ Ref: network.getLogicalId(s.node.defaultChild as any) })),
    );
  });

  test('takes its capacity, name and protection from the context', () => {
    const custom = synthApp({ maxCapacity: '4', databaseName: 'shop', deletionProtection: 'true' });
    custom.database.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
      DatabaseName: 'shop',
      DeletionProtection: true,
    });
  });
});
