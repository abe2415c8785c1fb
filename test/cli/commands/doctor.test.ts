import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { DescribeRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  accessDenied,
  awsError,
  BUS,
  DLQ_URL,
  migratorStack,
  MIGRATOR_STACK,
  OUTPUTS,
  PARAMETER,
  RUNNER,
  RUNNER_ARN,
  SECRET_ARN,
  stackMissing,
} from '../support/aws-fakes';
import { APP_STACK_ID, sampleResult } from '../support/results';
import { cli, jsonLines } from '../support/run-cli';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const secrets = mockClient(SecretsManagerClient);
const events = mockClient(EventBridgeClient);
const ec2 = mockClient(EC2Client);
const sqs = mockClient(SQSClient);
const ssm = mockClient(SSMClient);

const PASSWORD = 'pa55-Never-Print-Me';
const SECRET = JSON.stringify({ host: 'db.cluster', port: 5432, username: 'migrator', password: PASSWORD, dbname: 'demo', engine: 'postgres' });
const SUBNETS = ['subnet-a', 'subnet-b'];
const VPC = 'vpc-1';

function endpoints(services: string[], privateDns = true) {
  return {
    VpcEndpoints: services.map((s) => ({
      ServiceName: `com.amazonaws.us-east-1.${s}`,
      VpcEndpointType: 'Interface' as const,
      // The API answers in lower case, although the SDK's enum spells it Available.
      State: 'available' as VpcEndpoint['State'],
      PrivateDnsEnabled: privateDns,
    })),
  };
}

function routeTables(defaultTarget: Record<string, string> | undefined) {
  return {
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }],
      },
      {
        RouteTableId: 'rtb-private',
        Associations: SUBNETS.map((SubnetId) => ({ SubnetId })),
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' },
          ...(defaultTarget ? [{ DestinationCidrBlock: '0.0.0.0/0', State: 'active' as const, ...defaultTarget }] : []),
        ],
      },
    ],
  };
}

beforeEach(() => {
  for (const mock of [cfn, lambda, secrets, events, ec2, sqs, ssm]) mock.reset();
  cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack());
  lambda.on(GetFunctionConfigurationCommand, { FunctionName: RUNNER }).resolves({
    FunctionName: RUNNER,
    FunctionArn: RUNNER_ARN,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    Environment: { Variables: { DB_SECRET_ARN: SECRET_ARN, WATCHED_STACKS: APP_STACK_ID } },
    VpcConfig: { SubnetIds: SUBNETS, SecurityGroupIds: ['sg-1'], VpcId: VPC },
  });
  secrets.on(DescribeSecretCommand, { SecretId: SECRET_ARN }).resolves({ ARN: SECRET_ARN, Name: 'db-migrator-db' });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: SECRET });
  events
    .on(ListRuleNamesByTargetCommand, { TargetArn: RUNNER_ARN, EventBusName: 'default' })
    .resolves({ RuleNames: ['db-migrator-StackDeployedRule'] })
    .on(ListRuleNamesByTargetCommand, { TargetArn: RUNNER_ARN, EventBusName: BUS })
    .resolves({ RuleNames: ['db-migrator-ReplayRule'] })
    .on(DescribeRuleCommand)
    .resolves({ State: 'ENABLED' });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: SUBNETS.map((SubnetId) => ({ SubnetId, VpcId: VPC })) });
  ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints(['secretsmanager', 'ssm', 'events', 'cloudformation', 's3']));
  ec2.on(DescribeRouteTablesCommand).resolves(routeTables(undefined));
  sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL }).resolves({
    Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' },
  });
  ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves({ Parameter: { Version: 3, Value: JSON.stringify(sampleResult()) } });
});

interface Check {
  name: string;
  status: string;
  detail: string;
  fix?: string;
}

async function doctor(...args: string[]): Promise<{ code: number; checks: Check[]; stderr: string; stdout: string }> {
  const run = await cli(['doctor', '--json', ...args]);
  return { code: run.code, checks: jsonLines(run) as Check[], stderr: run.stderr, stdout: run.stdout };
}

function check(checks: Check[], name: string): Check {
  const found = checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(checks)}`);
  return found;
}

describe('doctor', () => {
  test('a healthy migrator passes every check, and exits 0', async () => {
    const run = await cli(['doctor']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS  stack              db-migrator is UPDATE_COMPLETE, with all outputs');
    expect(run.stdout).toContain(`PASS  runner function    ${RUNNER} is Active, watching AppStack`);
    expect(run.stdout).toContain('PASS  database secret    db-migrator-db is readable and has host, port, username, password, dbname');
    expect(run.stdout).toContain('PASS  event rules        enabled and targeting the runner: db-migrator-StackDeployedRule (default), db-migrator-ReplayRule (db-migrator)');
    expect(run.stdout).toContain('PASS  network            vpc-1 has interface endpoints with private DNS for secretsmanager, ssm, events, cloudformation');
    expect(run.stdout).toContain('PASS  dead-letter queue  empty');
    expect(run.stdout).toContain(`PASS  result parameter   ${PARAMETER} version 3: last run SUCCEEDED`);
    expect(run.stdout).toContain('7 passed, 0 failed');
  });

  test('never prints or keeps the secret value', async () => {
    const human = await cli(['doctor']);
    const json = await cli(['doctor', '--json']);
    for (const text of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('migrator"');
    }
  });

  test('--json: one line per check, each with name, status and detail', async () => {
    const { code, checks } = await doctor();
    expect(code).toBe(0);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['stack', 'pass'],
      ['runner function', 'pass'],
      ['database secret', 'pass'],
      ['event rules', 'pass'],
      ['network', 'pass'],
      ['dead-letter queue', 'pass'],
      ['result parameter', 'pass'],
    ]);
  });

  test('a missing stack fails with the fix, and the checks that need it are skipped (exit 1)', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'nope' }).rejects(stackMissing('nope'));

    const { code, checks } = await doctor('--stack', 'nope');

    expect(code).toBe(1);
    expect(check(checks, 'stack')).toMatchObject({ status: 'fail', fix: expect.stringContaining('npx cdk deploy nope') });
    expect(checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });

  test('a stack whose update rolled back fails with where to look', async () => {
    cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack(OUTPUTS, 'UPDATE_ROLLBACK_COMPLETE'));

    const { code, checks } = await doctor();

    expect(code).toBe(1);
    expect(check(checks, 'stack')).toMatchObject({ status: 'fail', detail: expect.stringContaining('rolled back') });
    expect(check(checks, 'runner function').status).toBe('pass');
  });

  test('missing outputs fail the stack check', async () => {
    const { DeadLetterQueueUrl: _, ...rest } = OUTPUTS;
    cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack(rest));

    const { checks } = await doctor();

    expect(check(checks, 'stack')).toMatchObject({ status: 'fail', detail: expect.stringContaining('lacks the output(s) DeadLetterQueueUrl') });
    expect(check(checks, 'dead-letter queue').status).toBe('skip');
  });

  test('AccessDenied on GetSecretValue fails that check with the permission to grant; the rest still run', async () => {
    secrets.on(GetSecretValueCommand).rejects(accessDenied('secretsmanager:GetSecretValue'));

    const { code, checks } = await doctor();

    expect(code).toBe(1);
    expect(check(checks, 'database secret')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('access denied'),
      fix: expect.stringContaining('secretsmanager:GetSecretValue'),
    });
    expect(check(checks, 'dead-letter queue').status).toBe('pass');
  });

  test('a secret without the keys the runner needs fails, naming only the keys', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'u', password: PASSWORD, port: 'abc' }) });

    const { checks, stdout } = await doctor();

    expect(check(checks, 'database secret')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('missing "host", "port" is not a port number, missing "dbname"'),
    });
    expect(stdout).not.toContain(PASSWORD);
  });

  test('a secret scheduled for deletion fails with the restore command', async () => {
    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET_ARN, DeletedDate: new Date('2025-07-01T00:00:00Z') });
    const { checks } = await doctor();
    expect(check(checks, 'database secret').fix).toContain('aws secretsmanager restore-secret');
  });

  test('a disabled rule fails with the enable-rule command; a missing rule with redeploy', async () => {
    events
      .on(DescribeRuleCommand, { Name: 'db-migrator-StackDeployedRule', EventBusName: 'default' })
      .resolves({ State: 'DISABLED' })
      .on(ListRuleNamesByTargetCommand, { TargetArn: RUNNER_ARN, EventBusName: BUS })
      .resolves({ RuleNames: [] });

    const { checks } = await doctor();

    const rules = check(checks, 'event rules');
    expect(rules.status).toBe('fail');
    expect(rules.detail).toContain('rule db-migrator-StackDeployedRule on bus default is DISABLED');
    expect(rules.detail).toContain('no rule on bus db-migrator targets the runner');
    expect(rules.fix).toContain('`aws events enable-rule --name db-migrator-StackDeployedRule`');
    expect(rules.fix).toContain('redeploy the migrator stack');
  });

  test('network: a NAT gateway route passes when endpoints are missing', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints(['ssm']));
    ec2.on(DescribeRouteTablesCommand).resolves(routeTables({ NatGatewayId: 'nat-1' }));
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [{ NatGatewayId: 'nat-1', State: 'available' }] });

    const { checks } = await doctor();

    expect(check(checks, 'network')).toMatchObject({ status: 'pass', detail: "the runner's subnets route 0.0.0.0/0 through nat-1" });
  });

  test('network: no NAT and missing endpoints fail with the endpoints to add', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints(['ssm', 'secretsmanager']));
    ec2.on(DescribeRouteTablesCommand).resolves(routeTables({ GatewayId: 'igw-1' }));

    const { checks } = await doctor();

    const network = check(checks, 'network');
    expect(network.status).toBe('fail');
    expect(network.detail).toBe('subnet(s) subnet-a, subnet-b have no NAT route, and vpc-1 lacks interface endpoints for events, cloudformation');
    expect(network.fix).toContain('com.amazonaws.us-east-1.events, com.amazonaws.us-east-1.cloudformation');
  });

  test('network: endpoints without private DNS do not count', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints(['secretsmanager', 'ssm', 'events', 'cloudformation'], false));
    const { checks } = await doctor();
    expect(check(checks, 'network').status).toBe('fail');
  });

  test('network: a NAT gateway that is not available does not count', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints([]));
    ec2.on(DescribeRouteTablesCommand).resolves(routeTables({ NatGatewayId: 'nat-1' }));
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [{ NatGatewayId: 'nat-1', State: 'deleted' }] });
    const { checks } = await doctor();
    expect(check(checks, 'network').status).toBe('fail');
  });

  test('network: a runner outside a VPC passes', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      FunctionName: RUNNER,
      FunctionArn: RUNNER_ARN,
      State: 'Active',
      Environment: { Variables: { DB_SECRET_ARN: SECRET_ARN, WATCHED_STACKS: APP_STACK_ID } },
    });
    const { checks } = await doctor();
    expect(check(checks, 'network')).toMatchObject({ status: 'pass', detail: expect.stringContaining('not in a VPC') });
  });

  test('network: AccessDenied on EC2 (UnauthorizedOperation) fails with the permissions', async () => {
    ec2.on(DescribeSubnetsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const { checks } = await doctor();
    expect(check(checks, 'network')).toMatchObject({ status: 'fail', fix: expect.stringContaining('ec2:DescribeSubnets') });
  });

  test('a non-empty dead-letter queue fails with how to read it', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' } });

    const { code, checks } = await doctor();

    expect(code).toBe(1);
    expect(check(checks, 'dead-letter queue')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('3 message(s) waiting'),
      fix: expect.stringContaining(`aws sqs receive-message --queue-url ${DLQ_URL}`),
    });
  });

  test('a malformed result parameter fails its check', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Version: 8, Value: '{"status":"SUCCEEDED"}' } });

    const { code, checks } = await doctor();

    expect(code).toBe(1);
    expect(check(checks, 'result parameter')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`version 8 of ${PARAMETER} is not a valid MigrationResult`),
    });
  });

  test('no result yet is fine: nothing has triggered a run', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', ''));
    const { code, checks } = await doctor();
    expect(code).toBe(0);
    expect(check(checks, 'result parameter').detail).toContain('does not exist yet');
  });

  test('AccessDenied on the result parameter fails that check', async () => {
    ssm.on(GetParameterCommand).rejects(accessDenied('ssm:GetParameter'));
    const { checks } = await doctor();
    expect(check(checks, 'result parameter')).toMatchObject({ status: 'fail', fix: expect.stringContaining('ssm:GetParameter') });
  });

  test('a failed runner function fails with its reason', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      FunctionName: RUNNER,
      FunctionArn: RUNNER_ARN,
      State: 'Failed',
      StateReason: 'The subnet has no free IP addresses',
      Environment: { Variables: { DB_SECRET_ARN: SECRET_ARN, WATCHED_STACKS: APP_STACK_ID } },
    });
    const { checks } = await doctor();
    expect(check(checks, 'runner function')).toMatchObject({ status: 'fail', detail: expect.stringContaining('no free IP addresses') });
  });

  test('missing credentials end the doctor with the usual advice, not seven failures', async () => {
    const error = new Error('Could not load credentials from any providers');
    error.name = 'CredentialsProviderError';
    cfn.on(DescribeStacksCommand).rejects(error);

    const run = await cli(['doctor']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(run.stdout).not.toContain('FAIL');
  });

  test('human output puts the fix under a failed check', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    const run = await cli(['doctor']);
    expect(run.stdout).toMatch(/FAIL {2}dead-letter queue {2}1 message\(s\) waiting.*\n {25}fix: read them with/);
    expect(run.stdout).toContain('6 passed, 1 failed');
  });
});
