import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateVpcEndpointCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateArchiveCommand, CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { MigrationResult } from '../../../cli/lib/migration-result';
import { expectValidResult } from './results';

export const MOTO_ACCOUNT = '123456789012';
export const MOTO_REGION = 'us-east-1';

/** Clients for setting up a world in moto; setup is not retried, so a moto error surfaces at once. */
export function motoClients(endpoint: string) {
  const config = {
    endpoint,
    region: MOTO_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
  return {
    cloudFormation: new CloudFormationClient(config),
    ec2: new EC2Client(config),
    eventBridge: new EventBridgeClient(config),
    secretsManager: new SecretsManagerClient(config),
    ssm: new SSMClient(config),
  };
}

export interface MotoWorld {
  readonly migratorStack: string;
  readonly watchedStack: string;
  readonly parameterName: string;
  readonly busName: string;
  readonly archiveName: string;
  readonly secretArn: string;
  readonly outputs: Record<string, string>;
}

export interface WorldOptions {
  /**
   * The migrator stack's name, which also names its resources as the CDK app would. Each test file has a moto
   * server of its own, so the defaults' names (db-migrator, AppStack) cannot collide.
   */
  readonly migratorStack?: string;
  readonly watchedStack?: string;
  /**
   * What the replay rule delivers to. moto cannot invoke a Lambda target from PutEvents, so a replay test points
   * it at a queue (standing in for the runner); a doctor test points it at the runner, as deployed.
   */
  readonly replayTarget: 'runner' | 'queue';
  readonly databaseSecret?: Record<string, unknown>;
}

const ALL_SERVICES = ['secretsmanager', 'ssm', 'events', 'cloudformation'];

/** The migrator stack's shape, reduced to what the CLI reads: the outputs and the resources they name. */
interface WorldNames {
  readonly prefix: string;
  readonly bus: string;
  readonly archive: string;
  readonly parameter: string;
  readonly secretArn: string;
  readonly watched: string;
}

function migratorTemplate(options: WorldOptions, names: WorldNames) {
  const replayTargetArn =
    options.replayTarget === 'queue' ? { 'Fn::GetAtt': ['ReplayInbox', 'Arn'] } : { 'Fn::GetAtt': ['Runner', 'Arn'] };
  return {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      SubnetA: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' } },
      SubnetB: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' } },
      RunnerGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'runner', VpcId: { Ref: 'Vpc' } } },
      RunnerRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
        },
      },
      Runner: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: `${names.prefix}-Runner`,
          Runtime: 'java21',
          Handler: 'dev.dbmigrator.runner.LambdaHandler::handleRequest',
          Role: { 'Fn::GetAtt': ['RunnerRole', 'Arn'] },
          Code: { ZipFile: 'placeholder' },
          VpcConfig: { SubnetIds: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }], SecurityGroupIds: [{ Ref: 'RunnerGroup' }] },
          Environment: {
            Variables: {
              DB_SECRET_ARN: names.secretArn,
              DATABASE_NAME: 'demo',
              RESULT_PARAMETER_NAME: names.parameter,
              EVENT_BUS_NAME: names.bus,
              // Watched by name (the stack-id prefix, as for stacks outside the CDK app); LegacyStack is
              // watched but never created, like a stack deleted after the migrator was deployed.
              WATCHED_STACKS: [names.watched, 'LegacyStack']
                .map((name) => `arn:aws:cloudformation:${MOTO_REGION}:${MOTO_ACCOUNT}:stack/${name}/`)
                .join(','),
            },
          },
        },
      },
      DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${names.prefix}-DeadLetterQueue` } },
      ReplayInbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${names.prefix}-ReplayInbox` } },
      AlertTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${names.prefix}-AlertTopic` } },
      StackDeployedRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: `${names.prefix}-StackDeployedRule`,
          EventPattern: { source: ['aws.cloudformation'], 'detail-type': ['CloudFormation Stack Status Change'] },
          State: 'ENABLED',
          Targets: [{ Id: 'runner', Arn: { 'Fn::GetAtt': ['Runner', 'Arn'] } }],
        },
      },
      ReplayRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: `${names.prefix}-ReplayRule`,
          EventBusName: names.bus,
          EventPattern: { source: ['db-migrator.replay'], 'detail-type': ['Migration Replay Requested'] },
          State: 'ENABLED',
          Targets: [{ Id: 'runner', Arn: replayTargetArn }],
        },
      },
    },
    Outputs: {
      ResultParameterName: { Value: names.parameter },
      RunnerFunctionName: { Value: { Ref: 'Runner' } },
      EventBusName: { Value: names.bus },
      AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
      DeadLetterQueueUrl: { Value: { Ref: 'DeadLetterQueue' } },
      ArchiveName: { Value: names.archive },
      MainRuleArn: { Value: { 'Fn::GetAtt': ['StackDeployedRule', 'Arn'] } },
      // For the tests only: where the replay rule delivers, and the VPC to put endpoints in.
      ReplayInboxUrl: { Value: { Ref: 'ReplayInbox' } },
      VpcId: { Value: { Ref: 'Vpc' } },
    },
  };
}

/**
 * A deployed migrator in moto: its stack with the outputs, a watched stack, the database secret, the custom bus,
 * the archive of deploy events, interface endpoints for the four APIs, and no result parameter yet.
 */
export async function createMotoWorld(endpoint: string, options: WorldOptions): Promise<MotoWorld> {
  const aws = motoClients(endpoint);
  const prefix = options.migratorStack ?? 'db-migrator';
  const secret = await aws.secretsManager.send(
    new CreateSecretCommand({
      Name: `${prefix}-database`,
      SecretString: JSON.stringify(
        options.databaseSecret ?? { host: 'demo.cluster.local', port: 5432, username: 'migrator', password: 'moto-only-password', dbname: 'demo' },
      ),
    }),
  );
  const names: WorldNames = {
    prefix,
    bus: 'db-migrator',
    archive: `${prefix}-deploy-events`,
    parameter: `/db-migrator/${prefix}/demo/last-result`,
    watched: options.watchedStack ?? 'AppStack',
    secretArn: secret.ARN as string,
  };
  await aws.eventBridge.send(new CreateEventBusCommand({ Name: names.bus }));
  await aws.eventBridge.send(
    new CreateArchiveCommand({
      ArchiveName: names.archive,
      EventSourceArn: `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/default`,
      EventPattern: JSON.stringify({ source: ['aws.cloudformation'] }),
    }),
  );
  await aws.cloudFormation.send(
    new CreateStackCommand({
      StackName: names.watched,
      TemplateBody: JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${names.watched}-queue` } } } }),
    }),
  );
  const migratorStack = prefix;
  await aws.cloudFormation.send(
    new CreateStackCommand({ StackName: migratorStack, TemplateBody: JSON.stringify(migratorTemplate(options, names)) }),
  );
  const described = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: migratorStack }));
  const outputs = Object.fromEntries((described.Stacks?.[0].Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue])) as Record<string, string>;
  for (const service of ALL_SERVICES) {
    await aws.ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: outputs.VpcId,
        ServiceName: `com.amazonaws.${MOTO_REGION}.${service}`,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
      }),
    );
  }
  for (const client of Object.values(aws)) client.destroy();
  return {
    migratorStack,
    watchedStack: names.watched,
    parameterName: names.parameter,
    busName: names.bus,
    archiveName: names.archive,
    secretArn: names.secretArn,
    outputs,
  };
}

/** Writes results as the runner does (PutParameter with Overwrite), each a new version; checked first. */
export async function writeResults(endpoint: string, parameterName: string, results: (MigrationResult | string)[]): Promise<void> {
  const { ssm } = motoClients(endpoint);
  for (const result of results) {
    const value = typeof result === 'string' ? result : JSON.stringify(expectValidResult(result));
    await ssm.send(new PutParameterCommand({ Name: parameterName, Value: value, Type: 'String', Overwrite: true }));
  }
  ssm.destroy();
}
