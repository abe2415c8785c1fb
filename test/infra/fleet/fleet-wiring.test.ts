import * as kms from 'aws-cdk-lib/aws-kms';
import { Match } from 'aws-cdk-lib/assertions';
import { asList, roleStatements, single, statementsAllowing } from '../synth';
import { synthFleet } from './support';

const s = synthFleet({ toleratedFailureCount: 1 });
const { template, fleet, id, stack } = s;
const smArn = { Ref: id(fleet.stateMachine) };

function roleOf(fnId: string): string {
  return template.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
}

describe('rules: the watched-stack rule and the replay rule start the state machine', () => {
  test('a watched stack\'s CREATE_COMPLETE / UPDATE_COMPLETE on the default bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: {
        source: ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        detail: { 'stack-id': [{ Ref: 'AWS::StackId' }], 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
      },
      Targets: [Match.objectLike({ Arn: smArn, DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  test('a fleet replay request on the migrator\'s bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: id(fleet.eventBus as any) },
      EventPattern: { source: ['db-migrator.replay'], 'detail-type': ['Fleet Migration Replay Requested'] },
      Targets: [Match.objectLike({ Arn: smArn })],
    });
  });

  test('EventBridge may start this state machine and nothing else', () => {
    const rule = single(template, 'AWS::Events::Rule', { EventPattern: { source: ['db-migrator.replay'], 'detail-type': ['Fleet Migration Replay Requested'] } });
    const eventsRole = rule.resource.Properties.Targets[0].RoleArn['Fn::GetAtt'][0];
    const statements = roleStatements(template, eventsRole);
    expect(statements).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: smArn }]);
  });
});

describe('alerts on the existing topic', () => {
  const topic = { Ref: id(fleet.alertTopic as any) };

  test('a Database Fleet Migration Failed event goes to the alert topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: id(fleet.eventBus as any) },
      EventPattern: { source: ['db-migrator'], 'detail-type': ['Database Fleet Migration Failed'] },
      Targets: [Match.objectLike({ Arn: topic, InputTransformer: Match.anyValue() })],
    });
  });

  test('an execution that ends FAILED, TIMED_OUT or ABORTED goes to the alert topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [smArn], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      Targets: [Match.objectLike({ Arn: topic })],
    });
  });

  test('alarms on ExecutionsFailed, ExecutionsTimedOut and ExecutionsAborted, the failed-fleet rule and the DLQ, all to the topic', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: smArn }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Events', MetricName: 'TriggeredRules', AlarmActions: [topic] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [topic] });
  });
});

describe('IAM: the target runner reads only its fleet\'s secrets, the manifest, nothing else', () => {
  const statements = roleStatements(template, roleOf(id(fleet.targetFunction)));

  test('GetSecretValue on secrets carrying the fleet tag, and no other secret action', () => {
    expect(statementsAllowing(statements, 'secretsmanager:GetSecretValue')).toEqual([
      {
        Sid: 'ReadTheFleetsSecrets',
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:*',
        Condition: { StringEquals: { 'aws:ResourceTag/db-migrator-fleet': 'tenants' } },
      },
    ]);
  });

  test('s3:GetObject on the manifest object only', () => {
    expect(statementsAllowing(statements, 's3:GetObject')).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(fleet.manifestBucket as any), 'Arn'] }, '/fleet/manifest.json']] },
      },
    ]);
  });

  test('no SSM, no EventBridge, no CloudFormation: a target never writes a result or sends an event', () => {
    const actions = statements.flatMap((st) => asList(st.Action));
    expect(actions.filter((a) => /^(ssm|events|cloudformation|states):/.test(a))).toEqual([]);
    expect(actions.sort()).toEqual(['s3:GetObject', 'secretsmanager:GetSecretValue']);
  });

  test('the contract\'s environment: the runner settings and the fleet\'s, none of the single runner\'s database variables', () => {
    const env = template.toJSON().Resources[id(fleet.targetFunction)].Properties.Environment.Variables;
    expect(env).toMatchObject({
      FLEET_NAME: 'tenants',
      FLEET_MANIFEST_BUCKET: { Ref: id(fleet.manifestBucket as any) },
      FLEET_MANIFEST_KEY: 'fleet/manifest.json',
      CHANGELOG_DIR: '/var/task',
    });
    for (const absent of ['DB_SECRET_ARN', 'DB_HOST', 'DB_PORT', 'DATABASE_NAME', 'RESULT_PARAMETER_NAME', 'EVENT_BUS_NAME']) {
      expect(env[absent]).toBeUndefined();
    }
    const fn = template.toJSON().Resources[id(fleet.targetFunction)].Properties;
    expect(fn.Handler).toBe('dev.dbmigrator.runner.fleet.FleetTargetHandler::handleRequest');
    expect(fn.VpcConfig).toBeDefined();
    const gate = template.toJSON().Resources[id(fleet.gateFunction)].Properties;
    expect(gate.Handler).toBe('dev.dbmigrator.runner.fleet.FleetGateHandler::handleRequest');
    expect(gate.VpcConfig).toBeUndefined();
    expect(Object.keys(gate.Environment.Variables).sort()).toEqual(['FLEET_NAME', 'POWERTOOLS_SERVICE_NAME', 'WATCHED_STACKS']);
  });

  test('a name prefix scopes the ARN; customer-managed keys decrypt only through Secrets Manager', () => {
    const k = synthFleetWithKey();
    const st = roleStatements(k.template, roleOfIn(k.template, k.id(k.fleet.targetFunction)));
    expect(statementsAllowing(st, 'kms:Decrypt')).toEqual([
      {
        Sid: 'DecryptTheFleetsSecretsThroughSecretsManager',
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [k.keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
      },
    ]);
    expect(statementsAllowing(st, 'secretsmanager:GetSecretValue')[0].Resource).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenants/*');
  });
});

function roleOfIn(t: any, fnId: string): string {
  return t.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
}

function synthFleetWithKey() {
  // The key must exist before the construct: build the stack by hand around synthFleet's shape.
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  const ec2 = require('aws-cdk-lib/aws-ec2') as typeof import('aws-cdk-lib/aws-ec2');
  const { DatabaseFleetMigrator } = require('../../../infra') as typeof import('../../../infra');
  const { DEMO_CHANGELOG_DIR } = require('../../../infra/build-app');
  const { ENV, testContext } = require('../synth');
  const app = new cdk.App({ context: testContext() });
  const st = new cdk.Stack(app, 'Keyed', { env: ENV });
  const vpc = new ec2.Vpc(st, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const key = new kms.Key(st, 'TenantKey');
  const fleet = new DatabaseFleetMigrator(st, 'Fleet', {
    vpc,
    changelogDir: DEMO_CHANGELOG_DIR,
    secretScope: { namePrefix: 'tenants/', tagKey: 'db-migrator-fleet', tagValue: 'tenants', encryptionKeys: [key] },
  });
  const id = (c: any) => st.getLogicalId(c.node.defaultChild);
  return { template: Template.fromStack(st), fleet, id, keyId: id(key) };
}

describe('IAM: the state machine', () => {
  const statements = roleStatements(template, id(fleet.stateMachine.role as any));
  // In a stable order: CDK merges and sorts statements as it likes.
  const allowed = (action: string) =>
    statementsAllowing(statements, action).flatMap((st) => asList(st.Resource)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  test('invokes its three functions and no other', () => {
    expect(allowed('lambda:InvokeFunction')).toEqual(
      [fleet.gateFunction, fleet.summaryFunction, fleet.targetFunction].map((f) => ({ 'Fn::GetAtt': [id(f), 'Arn'] })),
    );
  });

  test('reads the manifest object, writes under the results prefix only', () => {
    expect(allowed('s3:GetObject')).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(fleet.manifestBucket as any), 'Arn'] }, '/fleet/manifest.json']] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(fleet.resultsBucket), 'Arn'] }, '/fleet-results/tenants/*']] },
    ]);
    expect(allowed('s3:PutObject')).toEqual([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(fleet.resultsBucket), 'Arn'] }, '/fleet-results/tenants/*']] }]);
    expect(statements.flatMap((st) => asList(st.Action)).filter((a) => a === 's3:ListBucket' || a === 's3:*')).toEqual([]);
  });

  test('starts, describes and stops only its own child executions, and reads its own map runs', () => {
    const name = 'Saas-fleet-tenants';
    expect(template.toJSON().Resources[id(fleet.stateMachine)].Properties.StateMachineName).toBe(name);
    const arn = (rest: string) => `arn:aws:states:eu-west-1:123456789012:${rest}`;
    expect(allowed('states:StartExecution')).toEqual([arn(`stateMachine:${name}`)]);
    expect(allowed('states:DescribeExecution')).toEqual([arn(`execution:${name}:*`), arn(`execution:${name}/*`)]);
    expect(allowed('states:StopExecution')).toEqual([arn(`execution:${name}:*`), arn(`execution:${name}/*`)]);
    expect(allowed('states:DescribeMapRun')).toEqual([arn(`mapRun:${name}/*`)]);
  });

  test('puts the one fleet result parameter, and events on its bus under its own source', () => {
    expect(allowed('ssm:PutParameter')).toEqual(['arn:aws:ssm:eu-west-1:123456789012:parameter/db-migrator/Saas/fleet/tenants/last-result']);
    expect(statementsAllowing(statements, 'events:PutEvents')).toEqual([
      {
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [id(fleet.eventBus as any), 'Arn'] },
        Condition: { StringEquals: { 'events:source': 'db-migrator' } },
      },
    ]);
  });

  test('nothing on * but log delivery and X-Ray, which have no resource-level permissions', () => {
    const star = statements.filter((st) => asList(st.Resource).includes('*')).flatMap((st) => asList(st.Action));
    expect(star.every((a: string) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
  });
});

describe('outputs and the parameter, as the CLI reads them', () => {
  test('stable output ids', () => {
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual([
      'EventBusName', 'FleetManifestBucketName', 'FleetManifestKey', 'FleetResultParameterName', 'FleetResultsBucketName', 'FleetStateMachineArn',
    ]);
    expect(outputs.FleetResultParameterName.Value).toBe('/db-migrator/Saas/fleet/tenants/last-result');
    expect(outputs.FleetManifestKey.Value).toBe('fleet/manifest.json');
    expect(outputs.FleetStateMachineArn.Value).toEqual(smArn);
  });

  test('no SSM parameter resource: the state machine writes the summary, as the runner does for a single database', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    expect(stack.stackName).toBe('Saas');
  });
});
