import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type DbMigratorApp } from '../../infra/build-app';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const ENV = { account: ACCOUNT, region: REGION };

/**
 * The app's own cdk.json context (its feature flags), with fixed availability zones so that no lookup is
 * attempted. Assets are not staged (copied into the cloud assembly): a test reads the templates only, and
 * dozens of synths would otherwise each copy the runner's 25 MB of jars.
 */
export function testContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
  return {
    ...cdkJson.context,
    'aws:cdk:disable-asset-staging': true,
    [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
    ...extra,
  };
}

export interface SynthesizedApp {
  readonly stacks: DbMigratorApp;
  readonly network: Template;
  readonly database: Template;
  readonly migrator: Template;
}

/** `envAgnostic`: no account or region, as `cdk synth` without credentials. */
export function synthApp(context: Record<string, unknown> = {}, options: { envAgnostic?: boolean } = {}): SynthesizedApp {
  const app = new cdk.App({ context: testContext(context) });
  const stacks = buildApp(app, { env: options.envAgnostic ? undefined : ENV });
  return {
    stacks,
    network: Template.fromStack(stacks.network),
    database: Template.fromStack(stacks.database),
    migrator: Template.fromStack(stacks.migrator),
  };
}

/** The one resource of `type` in the template; fails when there are none or several. */
export function single(template: Template, type: string, props?: object): { id: string; resource: any } {
  const found = template.findResources(type, props ? { Properties: props } : undefined);
  const ids = Object.keys(found);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return { id: ids[0], resource: found[ids[0]] };
}

/** Follows `{ 'Fn::ImportValue': name }` to the value the producing template exports under that name. */
export function exported(producer: Template, importValue: unknown): unknown {
  const name = (importValue as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error(`not an import: ${JSON.stringify(importValue)}`);
  const outputs = producer.toJSON().Outputs ?? {};
  const output = Object.values<any>(outputs).find((o) => o.Export?.Name === name);
  if (!output) throw new Error(`no output exports ${name}`);
  return output.Value;
}

/** All statements of the identity policies attached to the role with this logical id. */
export function roleStatements(template: Template, roleId: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values<any>(policies)
    .filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The statements that allow `action`, whatever else they allow alongside it. */
export function statementsAllowing(statements: any[], action: string): any[] {
  return statements.filter((s) => s.Effect === 'Allow' && asList(s.Action).includes(action));
}
