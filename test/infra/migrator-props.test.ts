import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DatabaseMigrator, type DatabaseMigratorProps } from '../../infra';
import { OrdersStack } from '../../infra/examples/own-cluster-app';
import { ENV, single, testContext } from './synth';
import { DEMO_CHANGELOG_DIR } from '../../infra/build-app';

function userStack() {
  const app = new cdk.App({ context: testContext() });
  const stack = new cdk.Stack(app, 'UserApp', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return { app, stack, vpc };
}

function withSecret(props: Partial<DatabaseMigratorProps> = {}) {
  const u = userStack();
  const secret = new secretsmanager.Secret(u.stack, 'DbSecret');
  const m = new DatabaseMigrator(u.stack, 'Migrator', { vpc: u.vpc, databaseSecret: secret, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR, ...props });
  return { ...u, m, template: Template.fromStack(u.stack) };
}

function runnerEnv(t: Template): Record<string, unknown> {
  return single(t, 'AWS::Lambda::Function', { Runtime: 'java21' }).resource.Properties.Environment.Variables;
}

function cluster(stack: cdk.Stack, vpc: ec2.IVpc): rds.DatabaseCluster {
  return new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),
    writer: rds.ClusterInstance.serverlessV2('writer'),
    vpc,
  });
}

describe('cluster', () => {
  test('takes the cluster secret and endpoint, and the cluster admits the runner on its port', () => {
    const u = userStack();
    const db = cluster(u.stack, u.vpc);
    const m = new DatabaseMigrator(u.stack, 'Migrator', { vpc: u.vpc, cluster: db, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR });
    const t = Template.fromStack(u.stack);
    const env = runnerEnv(t);
    const id = (c: any) => u.stack.getLogicalId(c.node.defaultChild as any);
    expect(env.DB_SECRET_ARN).toEqual({ Ref: u.stack.getLogicalId(db.secret!.node.defaultChild as any) });
    expect(env.DB_HOST).toEqual({ 'Fn::GetAtt': [id(db), 'Endpoint.Address'] });
    expect(env.DB_PORT).toBeDefined();
    const runnerSg = m.connections.securityGroups[0];
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [u.stack.getLogicalId(runnerSg.node.defaultChild as any), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [u.stack.getLogicalId(db.connections.securityGroups[0].node.defaultChild as any), 'GroupId'] },
    });
  });

  test('an explicit databaseSecret wins over the cluster secret', () => {
    const u = userStack();
    const db = cluster(u.stack, u.vpc);
    const migration = new secretsmanager.Secret(u.stack, 'MigrationUser');
    new DatabaseMigrator(u.stack, 'Migrator', { vpc: u.vpc, cluster: db, databaseSecret: migration, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR });
    expect(runnerEnv(Template.fromStack(u.stack)).DB_SECRET_ARN).toEqual({
      Ref: u.stack.getLogicalId(migration.node.defaultChild as any),
    });
  });

  test('neither cluster nor databaseSecret is a clear error', () => {
    const u = userStack();
    expect(() => new DatabaseMigrator(u.stack, 'Migrator', { vpc: u.vpc, databaseName: 'app', changelogDir: DEMO_CHANGELOG_DIR })).toThrow(
      /UserApp\/Migrator: pass cluster or databaseSecret/,
    );
  });
});

describe('runner options', () => {
  test('contexts, labels and budgets reach the runner environment', () => {
    const { template } = withSecret({
      contexts: 'prod,eu',
      labels: '!experimental',
      lockWaitBudget: cdk.Duration.minutes(2),
      connectBudget: cdk.Duration.seconds(90),
    });
    expect(runnerEnv(template)).toMatchObject({
      CHANGELOG_CONTEXTS: 'prod,eu',
      CHANGELOG_LABELS: '!experimental',
      LOCK_WAIT_BUDGET_SECONDS: '120',
      CONNECT_BUDGET_SECONDS: '90',
    });
  });

  test('without them, the environment has none of those keys', () => {
    const env = runnerEnv(withSecret().template);
    for (const key of ['CHANGELOG_CONTEXTS', 'CHANGELOG_LABELS', 'CHANGELOG_FILE', 'CHANGELOG_PARAMETERS',
      'LOCK_WAIT_BUDGET_SECONDS', 'CONNECT_BUDGET_SECONDS', 'DB_HOST']) {
      expect(env).not.toHaveProperty(key);
    }
  });

  test('fastPath: false turns the fast path off with FAST_PATH=false; the default sets nothing (on)', () => {
    expect(runnerEnv(withSecret({ fastPath: false }).template)).toMatchObject({ FAST_PATH: 'false' });
    expect(runnerEnv(withSecret({ fastPath: true }).template)).not.toHaveProperty('FAST_PATH');
    expect(runnerEnv(withSecret().template)).not.toHaveProperty('FAST_PATH');
  });

  test('no variable the runner refuses: Liquibase reads LIQUIBASE_* itself, so the runner takes none of them', () => {
    const env = runnerEnv(withSecret({ contexts: 'prod', labels: 'x', changelogParameters: { a: 'b' } }).template);
    expect(Object.keys(env).filter((key) => key.startsWith('LIQUIBASE_'))).toEqual([]);
  });

  test('changelog parameters travel as one JSON variable, dotted names included', () => {
    const env = runnerEnv(withSecret({ changelogParameters: { table_prefix: 'app_', 'app.schema': 'billing' } }).template);
    expect(JSON.parse(env.CHANGELOG_PARAMETERS as string)).toEqual({ table_prefix: 'app_', 'app.schema': 'billing' });
  });

  test('a parameter name a changelog cannot write, or a token value, is rejected at synth', () => {
    expect(() => withSecret({ changelogParameters: { 'bad name': 'x' } })).toThrow(
      /UserApp\/Migrator: changelogParameters name "bad name" is not a parameter name/,
    );
    expect(() => withSecret({ changelogParameters: { prefix: cdk.Lazy.string({ produce: () => 'x' }) } })).toThrow(
      /changelogParameters value of "prefix" is a token/,
    );
  });

  test('changelogFile names any master inside changelogDir, and leaving the folder is rejected', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spring-layout-'));
    fs.mkdirSync(path.join(dir, 'db', 'changelog'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'db', 'changelog', 'db.changelog-master.xml'), '<databaseChangeLog/>');
    const env = runnerEnv(withSecret({ changelogDir: dir, changelogFile: 'db/changelog/db.changelog-master.xml' }).template);
    expect(env.CHANGELOG_FILE).toBe('db/changelog/db.changelog-master.xml');
    expect(() => withSecret({ changelogDir: dir, changelogFile: 'db/changelog/missing.yaml' })).toThrow(
      /has no db\/changelog\/missing.yaml, the master file the runner opens/,
    );
    for (const outside of ['../other/master.yaml', '/abs/master.yaml', 'classpath:db/master.yaml']) {
      expect(() => withSecret({ changelogDir: dir, changelogFile: outside })).toThrow(/must be a relative path inside changelogDir/);
    }
  });

  test('a connectBudget not shorter than the timeout is rejected with a clear error', () => {
    expect(() => withSecret({ timeout: cdk.Duration.minutes(1), connectBudget: cdk.Duration.minutes(1) })).toThrow(
      /UserApp\/Migrator: connectBudget \(1 minute\) must be shorter than the runner's timeout \(1 minute\)/,
    );
    expect(() => withSecret({ timeout: cdk.Duration.minutes(5), lockWaitBudget: cdk.Duration.minutes(10) })).toThrow(
      /lockWaitBudget/,
    );
  });

  test('lockTimeout, statementTimeout and lockRetryBudget reach the runner in seconds, 0 included', () => {
    const env = runnerEnv(withSecret({
      lockTimeout: cdk.Duration.millis(2500),
      statementTimeout: cdk.Duration.minutes(10),
      lockRetryBudget: cdk.Duration.minutes(3),
    }).template);
    expect(env).toMatchObject({
      LOCK_TIMEOUT_SECONDS: '2.5',
      STATEMENT_TIMEOUT_SECONDS: '600',
      LOCK_RETRY_BUDGET_SECONDS: '180',
    });
    expect(runnerEnv(withSecret({ lockTimeout: cdk.Duration.seconds(0) }).template)).toMatchObject({ LOCK_TIMEOUT_SECONDS: '0' });
  });

  test('without lock settings the runner keeps its defaults (5 s lock_timeout, no statement_timeout, 2 min retries)', () => {
    const env = runnerEnv(withSecret().template);
    for (const key of ['LOCK_TIMEOUT_SECONDS', 'STATEMENT_TIMEOUT_SECONDS', 'LOCK_RETRY_BUDGET_SECONDS']) {
      expect(env).not.toHaveProperty(key);
    }
  });

  test('a lock setting not shorter than the timeout, a fraction of a millisecond, or retries without a lock timeout are rejected', () => {
    expect(() => withSecret({ timeout: cdk.Duration.minutes(5), lockRetryBudget: cdk.Duration.minutes(5) })).toThrow(
      /UserApp\/Migrator: lockRetryBudget \(5 minutes\) must be shorter than the runner's timeout \(5 minutes\)/,
    );
    expect(() => withSecret({ timeout: cdk.Duration.minutes(1), statementTimeout: cdk.Duration.minutes(2) })).toThrow(
      /statementTimeout \(2 minutes\) must be shorter than the runner's timeout/,
    );
    expect(() => withSecret({ lockTimeout: cdk.Duration.millis(0.5) })).toThrow(/lockTimeout must be a whole number of milliseconds/);
    expect(() => withSecret({ lockTimeout: cdk.Duration.seconds(0), lockRetryBudget: cdk.Duration.minutes(1) })).toThrow(
      /lockRetryBudget \(1 minute\) has nothing to retry with lockTimeout 0/,
    );
  });

  test('eventSource names the completion events and the failure rule matches it', () => {
    const { template } = withSecret({ eventSource: 'orders.migrator' });
    expect(runnerEnv(template).EVENT_SOURCE).toBe('orders.migrator');
    single(template, 'AWS::Events::Rule', {
      EventPattern: { source: ['orders.migrator'], 'detail-type': ['Database Migration Failed'] },
    });
    expect(() => withSecret({ eventSource: 'aws.rds' })).toThrow(/eventSource "aws.rds"/);
  });

  test('reservedConcurrency and resultParameterName are passed through', () => {
    const { template, m } = withSecret({ reservedConcurrency: 2, resultParameterName: '/orders/migrations' });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'java21', ReservedConcurrentExecutions: 2 });
    expect(runnerEnv(template).RESULT_PARAMETER_NAME).toBe('/orders/migrations');
    expect(m.resultParameterName).toBe('/orders/migrations');
  });
});

describe('snapStart', () => {
  test('turns SnapStart on for published versions, and the rules invoke the live alias', () => {
    const { template, m, stack } = withSecret({ snapStart: true });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'java21',
      SnapStart: { ApplyOn: 'PublishedVersions' },
    });
    expect(m.runnerAlias).toBeDefined();
    const aliasRef = { Ref: stack.getLogicalId(m.runnerAlias!.node.defaultChild as any) };
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    const rules = Object.values<any>(template.findResources('AWS::Events::Rule'));
    const runnerTargets = rules
      .filter((r) => r.Properties.EventPattern.source[0] !== 'db-migrator')
      .flatMap((r) => r.Properties.Targets.map((t: any) => t.Arn));
    expect(runnerTargets).toEqual([aliasRef, aliasRef]);
    // A crash of the alias still lands in the DLQ.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', aliasRef] }] },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [stack.getLogicalId(m.deadLetterQueue.node.defaultChild as any), 'Arn'] } } },
    });
  });

  test('is off by default', () => {
    const { template, m } = withSecret();
    expect(m.runnerAlias).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Alias', 0);
  });
});

describe('the example user app (infra/examples/own-cluster-app.ts)', () => {
  test('synthesizes, with the migrator wired to the user\'s cluster, and passes cdk-nag apart from the user\'s own resources', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-example-'));
    try {
      const app = new cdk.App({ outdir, context: testContext() });
      const stack = new OrdersStack(app, 'Orders', { env: ENV });
      const assembly = app.synth();
      const template = assembly.getStackByName(stack.stackName).template;
      const fn = Object.values<any>(template.Resources).find(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'java21',
      );
      expect(fn.Properties.Environment.Variables).toMatchObject({ DATABASE_NAME: 'orders', CHANGELOG_CONTEXTS: 'prod' });
      // Findings on the migrator's own resources must all be acknowledged; the user's VPC and cluster are theirs.
      const report = new AwsSolutionsChecks(app).validateScope(stack.migrator);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
