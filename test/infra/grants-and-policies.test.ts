import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DatabaseMigrator } from '../../infra';
import { ACCOUNT, asList, ENV, REGION, single, testContext } from './synth';
import { DEMO_CHANGELOG_DIR } from '../../infra/build-app';

const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/db-migrator/UserApp/app/last-result`;

function userApp() {
  const app = new cdk.App({ context: testContext() });
  const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const secret = new secretsmanager.Secret(stack, 'DbSecret');
  const migrator = new DatabaseMigrator(stack, 'Migrator', { vpc, databaseSecret: secret, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR });
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  const dashboard = new iam.Role(stack, 'Dashboard', { assumedBy: new iam.AccountRootPrincipal() });
  const id = (c: any) => stack.getLogicalId(c.node.defaultChild as any);
  return { app, stack, migrator, operator, dashboard, id };
}

/** Every statement of every policy attached to the role. */
function statementsOf(template: Template, roleId: string): any[] {
  return Object.values<any>(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('grantReplay', () => {
  test('gives events:PutEvents on the migrator bus alone and lambda:InvokeFunction on the replay function alone', () => {
    const u = userApp();
    u.migrator.grantReplay(u.operator);
    const statements = statementsOf(Template.fromStack(u.stack), u.id(u.operator));
    const actions = statements.flatMap((s) => asList(s.Action)).sort();
    expect(actions).toEqual(['events:PutEvents', 'lambda:InvokeFunction']);
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      const resources = asList(s.Resource);
      expect(resources).toHaveLength(1);
      if (asList(s.Action).includes('events:PutEvents')) {
        expect(resources[0]).toEqual({ 'Fn::GetAtt': [u.id(u.migrator.eventBus), 'Arn'] });
        // Replay requests only: no forged completion events.
        expect(s.Condition).toEqual({
          StringEquals: { 'events:source': ['db-migrator.replay'], 'events:detail-type': ['Migration Replay Requested'] },
        });
      } else {
        // The function ARN only: not "arn:*" versions, not another function.
        expect(resources[0]).toEqual({ 'Fn::GetAtt': [u.id(u.migrator.replayFunction), 'Arn'] });
      }
    }
  });
});

describe('grantReadResults', () => {
  test('gives ssm:GetParameter and ssm:GetParameterHistory on the result parameter only', () => {
    const u = userApp();
    u.migrator.grantReadResults(u.dashboard);
    const statements = statementsOf(Template.fromStack(u.stack), u.id(u.dashboard));
    expect(statements).toHaveLength(1);
    expect(asList(statements[0].Action).sort()).toEqual(['ssm:GetParameter', 'ssm:GetParameterHistory']);
    expect(asList(statements[0].Resource)).toEqual([PARAMETER_ARN]);
    expect(statements.flatMap((s) => asList(s.Action))).not.toContain('ssm:PutParameter');
  });
});

describe('the bus resource policy', () => {
  test('denies PutEvents from principals of any other account', () => {
    const u = userApp();
    const template = Template.fromStack(u.stack);
    const { resource } = single(template, 'AWS::Events::EventBusPolicy');
    expect(resource.Properties.EventBusName).toEqual({ Ref: u.id(u.migrator.eventBus) });
    expect(resource.Properties.Statement).toEqual({
      Sid: 'cdk-DenyPutEventsFromOtherAccounts',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [u.id(u.migrator.eventBus), 'Arn'] },
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } },
    });
  });

  test('is not added to a bus the construct was given', () => {
    const app = new cdk.App({ context: testContext() });
    const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const secret = new secretsmanager.Secret(stack, 'DbSecret');
    const eventBus = cdk.aws_events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus');
    new DatabaseMigrator(stack, 'Migrator', { vpc, databaseSecret: secret, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR, eventBus });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'java21',
      Environment: { Variables: { EVENT_BUS_NAME: 'shared-bus' } },
    });
  });
});

describe('the alert key and topic policies', () => {
  const u = userApp();
  const template = Template.fromStack(u.stack);
  const keyId = u.id(u.migrator.alertKey);
  const topicId = u.id(u.migrator.alertTopic);

  test('the key policy lets EventBridge and CloudWatch (and only them, besides the account admin) use it', () => {
    const statements = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
    const services = new Set(statements.flatMap((s: any) => asList(s.Principal?.Service ?? [])));
    expect([...services].sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    const publishers = statements.filter((s: any) => s.Principal?.Service);
    expect(publishers).toContainEqual(
      expect.objectContaining({
        Sid: 'AllowAlertPublishers',
        Effect: 'Allow',
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      }),
    );
    for (const s of publishers) {
      expect(s.Effect).toBe('Allow');
      for (const action of asList(s.Action)) expect(['kms:Decrypt', 'kms:GenerateDataKey*']).toContain(action);
    }
    // The remaining statement is the standard account-root admin statement.
    const others = statements.filter((s: any) => !s.Principal?.Service);
    expect(others).toHaveLength(1);
    expect(JSON.stringify(others[0].Principal)).toContain(':root');
    expect(template.toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
  });

  test('the topic uses that key; its policy denies non-TLS and lets only EventBridge and this account\'s alarms publish', () => {
    expect(template.toJSON().Resources[topicId].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const { resource } = single(template, 'AWS::SNS::TopicPolicy');
    expect(resource.Properties.Topics).toEqual([{ Ref: topicId }]);
    const statements = resource.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      }),
    );
    for (const s of statements.filter((x: any) => x.Effect === 'Allow')) {
      expect(s.Action).toBe('sns:Publish');
      expect(s.Resource).toEqual({ Ref: topicId });
      expect(['events.amazonaws.com', 'cloudwatch.amazonaws.com']).toContain(s.Principal.Service);
    }
  });

  test('an alarmTopic given by the user replaces the created topic and key', () => {
    const app = new cdk.App({ context: testContext() });
    const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const secret = new secretsmanager.Secret(stack, 'DbSecret');
    const alarmTopic = new cdk.aws_sns.Topic(stack, 'OpsTopic');
    const m = new DatabaseMigrator(stack, 'Migrator', { vpc, databaseSecret: secret, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR, alarmTopic });
    expect(m.alertTopic).toBe(alarmTopic);
    expect(m.alertKey).toBeUndefined();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs('AWS::KMS::Key', 0);
    for (const alarm of Object.values<any>(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: stack.getLogicalId(alarmTopic.node.defaultChild as any) }]);
    }
  });
});
