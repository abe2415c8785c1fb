import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

/** The code block a user copies: the first ```ts block under "## Use it in your own app" in the README. */
export function readmeSnippet(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your own app'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no ```ts block under "## Use it in your own app"');
  return block[1];
}

/**
 * A user's CDK app in TypeScript: a stack with a VPC, an Aurora cluster and an operators role (what the README
 * says the user already has), and the README's block pasted in as is, its imports at the top.
 */
export function appSource(snippet: string): string {
  const lines = snippet.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  return [
    "import * as cdk from 'aws-cdk-lib';",
    "import * as ec2 from 'aws-cdk-lib/aws-ec2';",
    "import * as iam from 'aws-cdk-lib/aws-iam';",
    "import * as rds from 'aws-cdk-lib/aws-rds';",
    "import type { Construct } from 'constructs';",
    ...imports,
    '',
    'class OrdersStack extends cdk.Stack {',
    '  constructor(scope: Construct, id: string) {',
    '    super(scope, id);',
    "    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });",
    "    const cluster = new rds.DatabaseCluster(this, 'Db', {",
    '      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),',
    "      writer: rds.ClusterInstance.serverlessV2('writer'),",
    '      serverlessV2MinCapacity: 0,',
    "      defaultDatabaseName: 'orders',",
    '      vpc,',
    '      storageEncrypted: true,',
    '    });',
    "    const operators = new iam.Role(this, 'Operators', { assumedBy: new iam.AccountRootPrincipal() });",
    '    // ---- pasted from the README ----',
    ...body.map((line) => (line ? `    ${line}` : line)),
    '  }',
    '}',
    '',
    'const app = new cdk.App();',
    "new OrdersStack(app, 'Orders');",
    '',
  ].join('\n');
}

/** The user's own changelog: not the repository's demo, so the test can tell them apart in the template. */
export const USER_CHANGELOG: Record<string, string> = {
  'db.changelog-master.yaml': [
    'databaseChangeLog:',
    '  - include:',
    '      file: changes/001-orders.yaml',
    '      relativeToChangelogFile: true',
    '',
  ].join('\n'),
  'changes/001-orders.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: 001-orders',
    '      author: shop',
    '      changes:',
    '        - createTable:',
    '            tableName: orders',
    '            columns:',
    '              - column: { name: id, type: BIGINT, constraints: { primaryKey: true } }',
    '              - column: { name: placed_at, type: TIMESTAMPTZ }',
    '',
  ].join('\n'),
};
