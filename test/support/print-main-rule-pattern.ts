/**
 * Prints the EventPattern of the migrator's main rule (the one on the default bus that listens to
 * aws.cloudformation), taken from the SYNTHESIZED template, with its tokens replaced by fixed values, so that
 * MainRulePatternTest can check it with AWS's own matcher (event-ruler). Run from the repository root:
 *
 *   node_modules/.bin/tsx test/support/print-main-rule-pattern.ts [--env-agnostic]
 *
 * `--env-agnostic` synthesizes without account and region, as `cdk synth` without credentials: the name-watched
 * prefix is then an Fn::Join of pseudo parameters, and must resolve to the same pattern.
 * Only the pattern goes to stdout; anything unexpected fails with a message on stderr and a non-zero exit.
 */
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app';
import { exported, testContext } from '../infra/synth';

// Fixed, so the output does not depend on the caller's AWS environment. The region matches the captured
// fixture's, so MainRulePatternTest can reuse that event.
const PARTITION = 'aws';
const REGION = 'eu-west-3';
const ACCOUNT = '123456789012';
const MIGRATOR_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/db-migrator/11111111-1111-1111-1111-111111111111`;
const DATABASE_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/db-migrator-database/22222222-2222-2222-2222-222222222222`;

// As the jest tests build it (test/infra/synth.ts): cdk.json's context, no bundling, fixed AZs; plus one
// stack outside the app, watched by name, so the pattern also holds a prefix entry. The environment is
// explicit, as app.ts makes it from CDK_DEFAULT_ACCOUNT and AWS_REGION in a real deploy, unless asked otherwise.
const envAgnostic = process.argv.includes('--env-agnostic');
const app = new cdk.App({
  context: testContext({
    [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
    watchedStacks: 'legacy-app',
  }),
});
const stacks = buildApp(app, { env: envAgnostic ? undefined : { account: ACCOUNT, region: REGION } });
const migrator = Template.fromStack(stacks.migrator);
const database = Template.fromStack(stacks.database);

if (stacks.migrator.stackName !== 'db-migrator' || stacks.database.stackName !== 'db-migrator-database') {
  fail(`stack names changed (${stacks.migrator.stackName}, ${stacks.database.stackName}): update the fixed ARNs`);
}

// The main rule: on the default bus (no EventBusName) and matching CloudFormation's own events.
const rules = Object.entries<any>(migrator.findResources('AWS::Events::Rule')).filter(
  ([, rule]) => rule.Properties.EventBusName === undefined && asList(rule.Properties.EventPattern?.source).includes('aws.cloudformation'),
);
if (rules.length !== 1) fail(`expected one rule on the default bus for aws.cloudformation, found ${rules.length}`);

process.stdout.write(JSON.stringify(resolve(rules[0][1].Properties.EventPattern), null, 2) + '\n');

/** Replaces the CloudFormation intrinsics this pattern may hold; any other one fails, rather than pass unresolved. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, arg] = entries[0] ?? [];
  const isIntrinsic = entries.length === 1 && (key === 'Ref' || key.startsWith('Fn::'));
  if (!isIntrinsic) return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));

  if (key === 'Ref') {
    const pseudo: Record<string, string> = {
      'AWS::StackId': MIGRATOR_STACK_ID,
      'AWS::Partition': PARTITION,
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
    };
    if (typeof arg === 'string' && arg in pseudo) return pseudo[arg];
  }
  if (key === 'Fn::Join' && Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    const parts = arg[1].map(resolve);
    if (parts.every((p) => typeof p === 'string')) return parts.join(arg[0]);
  }
  // Only the database stack's own id is a known import: the stack that exports it must export its AWS::StackId.
  if (key === 'Fn::ImportValue' && isStackIdRef(exportedOrUndefined(database, value))) return DATABASE_STACK_ID;
  return fail(`unexpected token in the main rule's pattern: ${JSON.stringify(value)}`);
}

function exportedOrUndefined(producer: Template, importValue: unknown): unknown {
  try {
    return exported(producer, importValue);
  } catch {
    return undefined;
  }
}

function isStackIdRef(value: unknown): boolean {
  return JSON.stringify(value) === JSON.stringify({ Ref: 'AWS::StackId' });
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function fail(message: string): never {
  process.stderr.write(`print-main-rule-pattern: ${message}\n`);
  process.exit(1);
}
