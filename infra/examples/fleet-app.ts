#!/usr/bin/env node
/**
 * A complete app migrating a fleet: one Aurora Serverless v2 cluster holding a schema per tenant, and the fleet
 * migrator running the same changelog on every tenant of the manifest. The manifest (`fleet/manifest.json` in
 * the bucket of the `FleetManifestBucketName` output) is written by the tenant-provisioning process, e.g.
 *
 *   [ { "id": "tenant-001", "secretArn": "<the cluster secret's ARN>", "databaseName": "saas", "schema": "tenant_001" } ]
 *
 * Synthesize it with `npx cdk synth --app "npx tsx infra/examples/fleet-app.ts"`.
 */
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { DatabaseFleetMigrator } from 'cdk-db-migrator';

/** The tag that admits a secret into the fleet: whoever may set it on a secret may add a tenant. */
export const FLEET_TAG = { key: 'db-migrator-fleet', value: 'tenants' };

export class SaasStack extends cdk.Stack {
  readonly fleet: DatabaseFleetMigrator;
  readonly cluster: rds.DatabaseCluster;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    // No internet route: the runner reaches S3 (the manifest) through a gateway endpoint and Secrets Manager
    // through an interface endpoint.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });

    this.cluster = new rds.DatabaseCluster(this, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),
      writer: rds.ClusterInstance.serverlessV2('writer'),
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: 4,
      defaultDatabaseName: 'saas',
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
      deletionProtection: true,
      iamAuthentication: false,
    });
    // `cluster.secret` is the secret's attachment to the cluster: the tag goes on the generated secret itself.
    cdk.Tags.of(this.cluster.node.findChild('Secret')).add(FLEET_TAG.key, FLEET_TAG.value);

    // ---- the fleet migrator: these lines are all a user adds ----
    this.fleet = new DatabaseFleetMigrator(this, 'Fleet', {
      vpc,
      fleetName: 'tenants',
      changelogDir: 'changelog', // relative to where `cdk` runs
      secretScope: { tagKey: FLEET_TAG.key, tagValue: FLEET_TAG.value },
      canarySize: 2,
      maxConcurrency: 10,
      toleratedFailureCount: 0,
      alertEmails: ['dba@example.com'],
    });
    this.cluster.connections.allowDefaultPortFrom(this.fleet, 'db-migrator fleet runner');
    const operators = iam.Role.fromRoleName(this, 'Operators', 'saas-operators');
    this.fleet.grantReplay(operators);
    this.fleet.grantOperate(operators);
    // ---- end ----

    // The user's own resources, acknowledged where the example deliberately differs from cdk-nag's defaults.
    const ack = (scope: Construct, id: string, reason: string) => cdk.Validations.of(scope).acknowledge({ id, reason });
    ack(this.cluster, 'AwsSolutions-RDS6', 'The tenants\' runs authenticate with the credentials secret named in the manifest; IAM database authentication would add a token path the runner does not use');
    ack(this.cluster, 'AwsSolutions-SMG4', 'Example cluster secret: rotation needs a rotation Lambda in the isolated VPC; a production fleet brings its own rotated per-tenant secrets');
    ack(vpc, 'AwsSolutions-EC23', 'The Secrets Manager endpoint admits HTTPS from the VPC\'s own CIDR only (the endpoint\'s default); cdk-nag cannot resolve the CIDR token');
    ack(this.cluster, 'AwsSolutions-RDS11', 'The example keeps the default PostgreSQL port; the cluster is reachable only from the fleet runner\'s security group in isolated subnets');
  }
}

if (require.main === module) {
  const app = new cdk.App();
  new SaasStack(app, 'Saas', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.AWS_REGION ?? process.env.CDK_DEFAULT_REGION },
  });
}
