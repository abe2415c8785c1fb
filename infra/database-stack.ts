import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface DatabaseStackProps extends cdk.StackProps {
  readonly vpc: ec2.IVpc;
  /** The database's security group; its ingress rules are the network stack's business. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly databaseName: string;
  /** Aurora Serverless v2 maximum capacity, in ACU. */
  readonly maxCapacity: number;
  /**
   * @default false - the demo must come down with one `cdk destroy`; turn it on for a database you keep.
   */
  readonly deletionProtection?: boolean;
}

/** Aurora PostgreSQL Serverless v2 that pauses at 0 ACU when idle. */
export class DatabaseStack extends cdk.Stack {
  readonly cluster: rds.DatabaseCluster;
  /** Generated master credentials, with host, port and dbname added by the cluster attachment. */
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    super(scope, id, props);

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),
      writer: rds.ClusterInstance.serverlessV2('writer'),
      // 0 ACU auto-pauses an idle cluster; the runner retries its connection while it resumes.
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: props.maxCapacity,
      credentials: rds.Credentials.fromGeneratedSecret('postgres'),
      defaultDatabaseName: props.databaseName,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.securityGroup],
      storageEncrypted: true,
      // Deleting the stack must not delete the data with it: CloudFormation takes a final snapshot first.
      removalPolicy: cdk.RemovalPolicy.SNAPSHOT,
      deletionProtection: props.deletionProtection ?? false,
    });

    if (!this.cluster.secret) {
      throw new Error(`${this.node.path}: the cluster created no credentials secret`);
    }
    this.secret = this.cluster.secret;

    acknowledge(
      this.cluster,
      'AwsSolutions-RDS6',
      'The runner authenticates with the master password from Secrets Manager (it needs DDL rights); IAM database authentication would add a token path nobody uses',
    );
    acknowledge(
      this.cluster,
      'AwsSolutions-RDS10',
      'Deletion protection is the deletionProtection context switch (off by default so the demo tears down with one cdk destroy); the SNAPSHOT removal policy still keeps a final snapshot',
    );
    acknowledge(
      this.cluster, // the generated secret is the cluster's child
      'AwsSolutions-SMG4',
      'Demo master secret: rotation needs the rotation Lambda in the isolated VPC with a Secrets Manager endpoint; a production app brings its own rotated secret (databaseSecret)',
    );
  }
}
