import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DatabaseMigrator } from '../../infra';
import { ACCOUNT, asList, ENV, REGION, exported, roleStatements, single, synthApp, testContext } from './synth';
import { DEMO_CHANGELOG_DIR } from '../../infra/build-app';

/**
 * Least privilege, proven on the synthesized template: EVERY statement of a role (the inline policies attached to
 * it, the role's own `Policies`, and its managed policy ARNs) must fit an allow-list of (actions, resources). A
 * new grant anywhere in the construct fails this test until it is added here, on purpose.
 */
interface Allowed {
  readonly actions: string[];
  /** Each resource of a matching statement must satisfy this. */
  readonly resource: (value: unknown) => boolean;
  readonly what: string;
}

const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/db-migrator/db-migrator/demo/last-result`;
const LEGACY_STACKS = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/legacy-app/*`;
const VPC_ACCESS = 'AWSLambdaVPCAccessExecutionRole';

function same(expected: unknown): (value: unknown) => boolean {
  return (value) => JSON.stringify(value) === JSON.stringify(expected);
}

/** All statements of the role: attached AWS::IAM::Policy documents and the role's inline `Policies`. */
function everyStatement(template: Template, roleId: string): any[] {
  const role = template.toJSON().Resources[roleId];
  const inline = (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
  const managedPolicies = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
  return [...roleStatements(template, roleId), ...inline, ...managedPolicies];
}

/** Every way a statement exceeds the allow-list, as readable lines; [] when it fits. */
function violations(statements: any[], allowed: Allowed[]): string[] {
  const problems: string[] = [];
  for (const s of statements) {
    const text = JSON.stringify(s);
    if (s.Effect !== 'Allow') continue; // a Deny only narrows
    if (s.NotAction || s.NotResource) problems.push(`NotAction/NotResource: ${text}`);
    for (const action of asList(s.Action)) {
      const rules = allowed.filter((a) => a.actions.includes(action));
      if (rules.length === 0) {
        problems.push(`action ${action} is not on the allow-list: ${text}`);
        continue;
      }
      for (const resource of asList(s.Resource)) {
        if (resource === '*') problems.push(`${action} on *: ${text}`);
        else if (!rules.some((r) => r.resource(resource))) {
          problems.push(`${action} on ${JSON.stringify(resource)} is broader than ${rules.map((r) => r.what).join(' / ')}`);
        }
      }
    }
  }
  return problems;
}

/** Every allow-list entry is actually granted (so the list does not rot into a superset). */
function missing(statements: any[], allowed: Allowed[]): string[] {
  const granted = new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action)));
  return allowed.flatMap((a) => a.actions).filter((action) => !granted.has(action));
}

describe('the demo app', () => {
  const app = synthApp({ watchedStacks: 'legacy-app' });
  const template = app.migrator;
  const m = app.stacks.migrator.migrator;
  const id = (c: any) => app.stacks.migrator.getLogicalId(c.node.defaultChild as any);
  const secretAttachment = single(app.database, 'AWS::SecretsManager::SecretTargetAttachment').id;
  const isDatabaseStack = (value: unknown) =>
    typeof value === 'object' && value !== null && 'Fn::ImportValue' in value &&
    JSON.stringify(exported(app.database, value)) === JSON.stringify({ Ref: 'AWS::StackId' });
  const watchedStack = (value: unknown) =>
    same({ Ref: 'AWS::StackId' })(value) || value === LEGACY_STACKS || isDatabaseStack(value);
  const bus = same({ 'Fn::GetAtt': [id(m.eventBus), 'Arn'] });

  const runnerAllowed: Allowed[] = [
    {
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resource: (v) => JSON.stringify(exported(app.database, v)) === JSON.stringify({ Ref: secretAttachment }),
      what: 'the database secret',
    },
    { actions: ['ssm:PutParameter', 'ssm:GetParameter'], resource: same(PARAMETER_ARN), what: 'the result parameter' },
    { actions: ['events:PutEvents'], resource: bus, what: 'the migrator bus' },
    { actions: ['cloudformation:DescribeStacks'], resource: watchedStack, what: 'the watched stacks' },
    {
      // What the Lambda on-failure SqsDestination grants (queue.grantSendMessages), on the DLQ only.
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resource: same({ 'Fn::GetAtt': [id(m.deadLetterQueue), 'Arn'] }),
      what: 'the dead-letter queue',
    },
  ];

  test('the runner role: every inline statement fits the allow-list, and every entry is granted', () => {
    const statements = everyStatement(template, id(m.function.role));
    expect(violations(statements, runnerAllowed)).toEqual([]);
    expect(missing(statements, runnerAllowed)).toEqual([]);
    // Completion events only, under the runner's own source: it cannot forge replay requests.
    const [put] = statements.filter((s) => asList(s.Action).includes('events:PutEvents'));
    expect(put.Condition).toEqual({ StringEquals: { 'events:source': 'db-migrator' } });
    // The secret uses the AWS-managed Secrets Manager key: no kms statement at all.
    expect(statements.flatMap((s) => asList(s.Action)).filter((a: string) => a.startsWith('kms:'))).toEqual([]);
  });

  test('the runner role: the only managed policy is AWSLambdaVPCAccessExecutionRole (ENIs)', () => {
    const arns = template.toJSON().Resources[id(m.function.role)].Properties.ManagedPolicyArns;
    expect(arns).toHaveLength(1);
    expect(JSON.stringify(arns[0])).toContain(`:iam::aws:policy/service-role/${VPC_ACCESS}`);
  });

  test('the replay role: describe watched stacks, put on the bus, write its own log group; no managed policy', () => {
    const roleId = id(m.replayFunction.role);
    const allowed: Allowed[] = [
      { actions: ['events:PutEvents'], resource: bus, what: 'the migrator bus' },
      { actions: ['cloudformation:DescribeStacks'], resource: watchedStack, what: 'the watched stacks' },
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resource: (v) => JSON.stringify(v).includes('ReplayLogs') && JSON.stringify(v).includes('"Arn"'),
        what: 'its own log group',
      },
    ];
    const statements = everyStatement(template, roleId);
    expect(violations(statements, allowed)).toEqual([]);
    expect(missing(statements, allowed)).toEqual([]);
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const [put] = statements.filter((s) => asList(s.Action).includes('events:PutEvents'));
    expect(put.Condition).toEqual({ StringEquals: { 'events:source': 'db-migrator.replay' } });
  });

  test('the checker itself catches a broader grant', () => {
    const broad = [{ Effect: 'Allow', Action: 'ssm:PutParameter', Resource: '*' }];
    expect(violations(broad, runnerAllowed)).toHaveLength(1);
    const other = [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/*' }];
    expect(violations(other, runnerAllowed)[0]).toMatch(/not on the allow-list/);
  });
});

describe('a secret encrypted with a customer-managed key', () => {
  test('kms:Decrypt on that key only, through Secrets Manager, granted in the key policy', () => {
    const app = new cdk.App({ context: testContext() });
    const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const key = new kms.Key(stack, 'SecretKey');
    const secret = new secretsmanager.Secret(stack, 'DbSecret', { encryptionKey: key });
    const m = new DatabaseMigrator(stack, 'Migrator', { vpc, databaseSecret: secret, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR });
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(m.function.role!.node.defaultChild as any);
    const roleKms = everyStatement(template, roleId).filter((s) => asList(s.Action).some((a: string) => a.startsWith('kms:')));
    const keyPolicy = template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as any)].Properties.KeyPolicy;
    const forRunner = keyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal ?? {}).includes(roleId));
    // The grant lands either on the role or in the key policy; wherever it is, it is Decrypt on this key only.
    const all = [...roleKms, ...forRunner];
    expect(all).toHaveLength(1);
    expect(asList(all[0].Action)).toEqual(['kms:Decrypt']);
    if (forRunner.length === 1) {
      expect(forRunner[0].Resource).toBe('*'); // in a key policy, "*" means this key
      expect(JSON.stringify(forRunner[0].Condition)).toContain('secretsmanager.');
    } else {
      expect(roleKms[0].Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] });
    }
  });
});
