import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

const POSTGRES_PORT = 5432;
const HTTPS_PORT = 443;

/**
 * A VPC with no route to the internet: the database and the runner live in isolated subnets, and the runner
 * reaches the four AWS APIs it calls through interface endpoints.
 *
 * All security groups live here, in one stack: a rule between groups of different stacks makes each stack
 * import from the other, which CloudFormation cannot deploy.
 */
export class NetworkStack extends cdk.Stack {
  readonly vpc: ec2.Vpc;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly migratorSecurityGroup: ec2.SecurityGroup;
  readonly endpointSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    acknowledge(
      this.vpc,
      'AwsSolutions-VPC7',
      'Demo VPC with no internet route, holding only the database, the runner and four interface endpoints whose security groups admit only the runner; a production app brings its own VPC and flow logs',
    );

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'Aurora PostgreSQL: reachable only from the migrator',
      allowAllOutbound: false,
    });

    // Restricted egress: the runner talks to exactly two things, the database and the AWS APIs behind the
    // endpoints. There is no route elsewhere anyway; the narrow group also documents that and keeps it true
    // if someone later adds a NAT gateway. (DNS to the VPC resolver is not subject to security groups.)
    this.migratorSecurityGroup = new ec2.SecurityGroup(this, 'MigratorSecurityGroup', {
      vpc: this.vpc,
      description: 'db-migrator runner: PostgreSQL to the database, HTTPS to the interface endpoints',
      allowAllOutbound: false,
    });

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from the migrator only',
      allowAllOutbound: false,
    });

    // The migrator's egress goes to the VPC's CIDR rather than to the peer groups, because only CIDR rules are
    // written into the group itself. A group created with no egress rules of its own gets EC2's allow-all
    // default, and rules added later as separate resources do not remove it. The peers' ingress rules below
    // still admit the migrator group only.
    const insideVpc = ec2.Peer.ipv4(this.vpc.vpcCidrBlock);
    this.migratorSecurityGroup.addEgressRule(insideVpc, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL to Aurora');
    this.migratorSecurityGroup.addEgressRule(insideVpc, ec2.Port.tcp(HTTPS_PORT), 'HTTPS to the interface endpoints');
    this.databaseSecurityGroup.addIngressRule(
      this.migratorSecurityGroup,
      ec2.Port.tcp(POSTGRES_PORT),
      'PostgreSQL from the migrator',
    );
    this.endpointSecurityGroup.addIngressRule(
      this.migratorSecurityGroup,
      ec2.Port.tcp(HTTPS_PORT),
      'HTTPS from the migrator',
    );

    const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
      CloudFormation: ec2.InterfaceVpcEndpointAwsService.CLOUDFORMATION,
    };
    for (const [name, service] of Object.entries(services)) {
      this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service,
        privateDnsEnabled: true,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [this.endpointSecurityGroup],
        // Not open to the whole VPC CIDR: only the migrator group gets in, via the rule above.
        open: false,
      });
    }
  }
}
