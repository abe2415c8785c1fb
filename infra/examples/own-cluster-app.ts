#!/usr/bin/env node
/**
 * A user's own app: their VPC and Aurora cluster, with the migrator added in about ten lines (the block marked
 * below), imported by the package's name as after `npm install cdk-db-migrator` (in this repository the name
 * maps to the source, see tsconfig.json). Synthesize it with `npx cdk synth --app "npx tsx infra/examples/own-cluster-app.ts"`.
 */
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { DatabaseMigrator } from 'cdk-db-migrator';

export class OrdersStack extends cdk.Stack {
  readonly migrator: DatabaseMigrator;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new rds.DatabaseCluster(this, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),
      writer: rds.ClusterInstance.serverlessV2('writer'),
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: 2,
      defaultDatabaseName: 'orders',
      vpc,
      storageEncrypted: true,
    });

    // ---- the migrator: these lines are all a user adds ----
    this.migrator = new DatabaseMigrator(this, 'Migrator', {
      vpc,
      cluster, // its secret and endpoint; the cluster admits the runner on its port
      databaseName: 'orders',
      changelogDir: 'changelog', // relative to where `cdk` runs
      contexts: 'prod',
      alertEmails: ['dba@example.com'],
    });
    const operators = iam.Role.fromRoleName(this, 'Operators', 'orders-operators');
    this.migrator.grantReplay(operators);
    this.migrator.grantReadResults(operators);
    // ---- end ----
  }
}

if (require.main === module) {
  const app = new cdk.App();
  new OrdersStack(app, 'Orders', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.AWS_REGION ?? process.env.CDK_DEFAULT_REGION },
  });
}
