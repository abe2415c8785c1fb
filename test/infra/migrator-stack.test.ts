import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  ACCOUNT,
  asList,
  exported,
  REGION,
  roleStatements,
  single,
  statementsAllowing,
  synthApp,
  type SynthesizedApp,
} from './synth';

const PARAMETER_NAME = '/db-migrator/db-migrator/demo/last-result';
const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/db-migrator/db-migrator/demo/last-result`;
const LEGACY_PREFIX = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/legacy-app/`;

let app: SynthesizedApp;
let migrator: Template;
let ids: Record<'runner' | 'runnerRole' | 'replay' | 'replayRole' | 'bus' | 'topic' | 'key' | 'dlq', string>;

beforeAll(() => {
  app = synthApp({ watchedStacks: 'legacy-app', alertEmails: 'ops@example.com, dba@example.com' });
  migrator = app.migrator;
  const m = app.stacks.migrator.migrator;
  const id = (c: { node: { defaultChild?: unknown } }) => app.stacks.migrator.getLogicalId(c.node.defaultChild as any);
  ids = {
    runner: id(m.function),
    runnerRole: id(m.function.role as any),
    replay: id(m.replayFunction),
    replayRole: id(m.replayFunction.role as any),
    bus: id(m.eventBus),
    topic: id(m.alertTopic as any),
    key: single(migrator, 'AWS::KMS::Key').id,
    dlq: id(m.deadLetterQueue),
  };
});

/** Own stack id, the database stack's id and the legacy stack's ARN pattern, in any order (IAM sorts them). */
function expectWatchedStackArns(resources: unknown[]): void {
  expect(resources).toHaveLength(3);
  expect(resources).toContainEqual({ Ref: 'AWS::StackId' });
  expect(resources).toContainEqual(`${LEGACY_PREFIX}*`);
  expect(resources.filter(databaseStackId)).toHaveLength(1);
}

/** Whether the value is the database stack's id, as the migrator imports it. */
function databaseStackId(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !('Fn::ImportValue' in value)) return false;
  return JSON.stringify(exported(app.database, value)) === JSON.stringify({ Ref: 'AWS::StackId' });
}

function resourceProps(logicalId: string): any {
  return migrator.toJSON().Resources[logicalId].Properties;
}

describe('the runner', () => {
  test('is a java21 function with the runner handler, 1 GB and 15 minutes', () => {
    expect(resourceProps(ids.runner)).toMatchObject({
      Runtime: 'java21',
      Handler: 'dev.dbmigrator.runner.LambdaHandler::handleRequest',
      MemorySize: 1024,
      Timeout: 900,
      LoggingConfig: { LogFormat: 'JSON' },
    });
    expect(resourceProps(ids.runner).ReservedConcurrentExecutions).toBeUndefined();
  });

  test('runs in the isolated subnets with the migrator group', () => {
    const network = app.stacks.network;
    const { VpcConfig } = resourceProps(ids.runner);
    expect(VpcConfig.SubnetIds.map((id: unknown) => exported(app.network, id))).toEqual(
      network.vpc.isolatedSubnets.map((s) => ({ Ref: network.getLogicalId(s.node.defaultChild as any) })),
    );
    expect(VpcConfig.SecurityGroupIds.map((id: unknown) => exported(app.network, id))).toEqual([
      { 'Fn::GetAtt': [network.getLogicalId(network.migratorSecurityGroup.node.defaultChild as any), 'GroupId'] },
    ]);
  });

  test('gets exactly the environment of the runner contract', () => {
    const env = resourceProps(ids.runner).Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'CHANGELOG_DIR',
        'DATABASE_NAME',
        'DB_SECRET_ARN',
        'EVENT_BUS_NAME',
        'EVENT_SOURCE',
        'POWERTOOLS_SERVICE_NAME',
        'RESULT_PARAMETER_NAME',
        'WATCHED_STACKS',
      ].sort(),
    );
    expect(env).toMatchObject({
      CHANGELOG_DIR: '/var/task',
      DATABASE_NAME: 'demo',
      EVENT_BUS_NAME: { Ref: ids.bus },
      EVENT_SOURCE: 'db-migrator',
      POWERTOOLS_SERVICE_NAME: 'db-migrator',
      RESULT_PARAMETER_NAME: PARAMETER_NAME,
    });
    const secretAttachment = single(app.database, 'AWS::SecretsManager::SecretTargetAttachment').id;
    expect(exported(app.database, env.DB_SECRET_ARN)).toEqual({ Ref: secretAttachment });
  });

  test('lists the watched stacks as the event pattern does: own id, database id, name prefix', () => {
    const [separator, entries] = resourceProps(ids.runner).Environment.Variables.WATCHED_STACKS['Fn::Join'];
    expect(separator).toBe(',');
    expect(entries[0]).toEqual({ Ref: 'AWS::StackId' });
    expect(databaseStackId(entries[1])).toBe(true);
    expect(entries[2]).toEqual(LEGACY_PREFIX);
    expect(entries).toHaveLength(3);
  });

  test('keeps a month of logs', () => {
    const logGroup = resourceProps(ids.runner).LoggingConfig.LogGroup;
    expect(resourceProps(logGroup.Ref)).toMatchObject({ RetentionInDays: 30 });
  });

  test('sends a crashed run to the dead-letter queue after two retries', () => {
    migrator.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.runner },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } } },
    });
  });
});

describe('the runner role', () => {
  let statements: any[];
  beforeAll(() => {
    statements = roleStatements(migrator, ids.runnerRole);
  });

  test('may read and write the one result parameter, by its exact ARN', () => {
    for (const action of ['ssm:PutParameter', 'ssm:GetParameter']) {
      const found = statementsAllowing(statements, action);
      expect(found).toHaveLength(1);
      expect(asList(found[0].Resource)).toEqual([PARAMETER_ARN]);
    }
    expect(statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('ssm:')).sort()).toEqual([
      'ssm:GetParameter',
      'ssm:PutParameter',
    ]);
  });

  test('may read the database secret only', () => {
    const found = statementsAllowing(statements, 'secretsmanager:GetSecretValue');
    expect(found).toHaveLength(1);
    const secretAttachment = single(app.database, 'AWS::SecretsManager::SecretTargetAttachment').id;
    expect(asList(found[0].Resource).map((r) => exported(app.database, r))).toEqual([{ Ref: secretAttachment }]);
  });

  test('may put events on the migrator bus only', () => {
    const found = statementsAllowing(statements, 'events:PutEvents');
    expect(found.flatMap((s) => asList(s.Resource))).toEqual([{ 'Fn::GetAtt': [ids.bus, 'Arn'] }]);
  });

  test('may describe the watched stacks only', () => {
    expectWatchedStackArns(
      statementsAllowing(statements, 'cloudformation:DescribeStacks').flatMap((s) => asList(s.Resource)),
    );
  });

  test('has the managed policy for network interfaces in a VPC', () => {
    expect(JSON.stringify(resourceProps(ids.runnerRole).ManagedPolicyArns)).toContain('AWSLambdaVPCAccessExecutionRole');
  });
});

describe('the rules', () => {
  const targetSettings = (arn: unknown) => ({
    Arn: arn,
    DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } },
    RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 },
  });

  test('the main rule is on the default bus and matches watched stacks finishing a create or update', () => {
    const rules = Object.values<any>(migrator.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern.source?.[0] === 'aws.cloudformation',
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0].Properties;
    expect(rule.EventBusName).toBeUndefined();
    const { 'stack-id': stackIds, ...rest } = rule.EventPattern.detail;
    expect({ ...rule.EventPattern, detail: rest }).toEqual({
      source: ['aws.cloudformation'],
      'detail-type': ['CloudFormation Stack Status Change'],
      detail: { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
    });
    expect(stackIds).toHaveLength(3);
    expect(stackIds[0]).toEqual({ Ref: 'AWS::StackId' });
    expect(databaseStackId(stackIds[1])).toBe(true);
    expect(stackIds[2]).toEqual({ prefix: LEGACY_PREFIX });
    expect(rule.Targets).toEqual([expect.objectContaining(targetSettings({ 'Fn::GetAtt': [ids.runner, 'Arn'] }))]);
  });

  test('the replay rule is on the migrator bus and invokes the runner', () => {
    migrator.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ids.bus },
      EventPattern: { source: ['db-migrator.replay'], 'detail-type': ['Migration Replay Requested'] },
      Targets: [Match.objectLike(targetSettings({ 'Fn::GetAtt': [ids.runner, 'Arn'] }))],
    });
  });

  test('EventBridge may invoke the runner from both rules, and nothing else may', () => {
    const permissions = Object.values<any>(migrator.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    const onRunner = permissions.filter((p) => JSON.stringify(p.FunctionName).includes(ids.runner));
    expect(onRunner).toHaveLength(2);
    for (const permission of onRunner) {
      expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
      expect(permission.SourceArn).toBeDefined();
    }
  });

  test('a failed run alerts the topic with a readable message', () => {
    const { resource } = single(migrator, 'AWS::Events::Rule', {
      EventPattern: { source: ['db-migrator'], 'detail-type': ['Database Migration Failed'] },
    });
    expect(resource.Properties.EventBusName).toEqual({ Ref: ids.bus });
    const [target] = resource.Properties.Targets;
    expect(target).toMatchObject(targetSettings({ Ref: ids.topic }));
    const paths = Object.values(target.InputTransformer.InputPathsMap).sort();
    expect(paths).toEqual(
      ['$.detail.failedChangeset', '$.detail.message', '$.detail.reason', '$.detail.runId', '$.detail.trigger.stackName'].sort(),
    );
    for (const placeholder of Object.keys(target.InputTransformer.InputPathsMap)) {
      expect(target.InputTransformer.InputTemplate).toContain(`<${placeholder}>`);
    }
    expect(target.InputTransformer.InputTemplate).toMatch(/^"Database migration FAILED/);
  });
});

describe('alerts', () => {
  test('the topic is encrypted with the customer-managed key and takes TLS only', () => {
    expect(resourceProps(ids.topic).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
    const policy = single(migrator, 'AWS::SNS::TopicPolicy').resource.Properties;
    expect(policy.Topics).toEqual([{ Ref: ids.topic }]);
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  test('the key rotates, and EventBridge and CloudWatch may use it', () => {
    const key = resourceProps(ids.key);
    expect(key.EnableKeyRotation).toBe(true);
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      const grants = key.KeyPolicy.Statement.filter(
        (s: any) => s.Effect === 'Allow' && asList(s.Principal?.Service ?? []).includes(service),
      );
      const actions = grants.flatMap((s: any) => asList(s.Action));
      expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    }
  });

  test('subscribes the e-mail addresses from the context', () => {
    const subscriptions = Object.values<any>(migrator.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions.map((s) => [s.Protocol, s.Endpoint, s.TopicArn])).toEqual([
      ['email', 'ops@example.com', { Ref: ids.topic }],
      ['email', 'dba@example.com', { Ref: ids.topic }],
    ]);
  });

  test('an alarm on the dead-letter queue alerts the topic', () => {
    const { resource } = single(migrator, 'AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS' });
    expect(resource.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });
});

describe('the dead-letter queue', () => {
  test('is encrypted, keeps messages 14 days and takes TLS only', () => {
    expect(resourceProps(ids.dlq)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const policy = single(migrator, 'AWS::SQS::QueuePolicy').resource.Properties;
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The rules deliver undeliverable events here.
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' }),
    );
  });
});

describe('the replay function', () => {
  test('is a Node.js 22 function outside the VPC with the replay environment', () => {
    const props = resourceProps(ids.replay);
    expect(props).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(props.VpcConfig).toBeUndefined();
    const env = props.Environment.Variables;
    expect(env).toMatchObject({ EVENT_BUS_NAME: { Ref: ids.bus }, POWERTOOLS_SERVICE_NAME: expect.any(String) });
    expect(env.WATCHED_STACKS).toEqual(resourceProps(ids.runner).Environment.Variables.WATCHED_STACKS);
  });

  test('may describe the watched stacks, put events on the migrator bus and write its logs, nothing more', () => {
    const statements = roleStatements(migrator, ids.replayRole);
    expect(statements.flatMap((s) => asList(s.Action)).sort()).toEqual([
      'cloudformation:DescribeStacks',
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(statementsAllowing(statements, 'events:PutEvents').flatMap((s) => asList(s.Resource))).toEqual([
      { 'Fn::GetAtt': [ids.bus, 'Arn'] },
    ]);
    expectWatchedStackArns(
      statementsAllowing(statements, 'cloudformation:DescribeStacks').flatMap((s) => asList(s.Resource)),
    );
  });
});

describe('the migrator stack', () => {
  test('has a custom bus named db-migrator', () => {
    expect(resourceProps(ids.bus)).toMatchObject({ Name: 'db-migrator' });
  });

  test('outputs what the CLI reads', () => {
    const outputs = migrator.toJSON().Outputs;
    for (const key of ['ResultParameterName', 'RunnerFunctionName', 'EventBusName', 'AlertTopicArn', 'DeadLetterQueueUrl', 'ReplayFunctionName']) {
      expect(outputs).toHaveProperty(key);
    }
    expect(outputs.ResultParameterName.Value).toBe(PARAMETER_NAME);
    expect(outputs.RunnerFunctionName.Value).toEqual({ Ref: ids.runner });
    expect(outputs.ReplayFunctionName.Value).toEqual({ Ref: ids.replay });
    expect(outputs.EventBusName.Value).toEqual({ Ref: ids.bus });
    expect(outputs.AlertTopicArn.Value).toEqual({ Ref: ids.topic });
    expect(outputs.DeadLetterQueueUrl.Value).toEqual({ Ref: ids.dlq });
  });

  test('does not own the result parameter', () => {
    migrator.resourceCountIs('AWS::SSM::Parameter', 0);
  });

  test('without extra context, watches only itself and the database stack', () => {
    const plain = synthApp();
    const rule = Object.values<any>(plain.migrator.findResources('AWS::Events::Rule')).find(
      (r) => r.Properties.EventPattern.source?.[0] === 'aws.cloudformation',
    );
    expect(rule.Properties.EventPattern.detail['stack-id']).toHaveLength(2);
    plain.migrator.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('synthesizes environment-agnostic, as with no credentials', () => {
    const agnostic = synthApp({}, { envAgnostic: true });
    const statements = roleStatements(
      agnostic.migrator,
      agnostic.stacks.migrator.getLogicalId(agnostic.stacks.migrator.migrator.function.role!.node.defaultChild as any),
    );
    const [ssm] = statementsAllowing(statements, 'ssm:PutParameter');
    expect(JSON.stringify(ssm.Resource)).toContain(':parameter/db-migrator/db-migrator/demo/last-result');
    expect(JSON.stringify(ssm.Resource)).toContain('AWS::Region');
    agnostic.network.resourceCountIs('AWS::EC2::Subnet', 2);
  });
});
