import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DatabaseFleetMigrator, type DatabaseFleetMigratorProps } from '../../../infra';
import { DEMO_CHANGELOG_DIR } from '../../../infra/build-app';
import { ENV, testContext } from '../synth';

export const FLEET_TAG = { tagKey: 'db-migrator-fleet', tagValue: 'tenants' };

export interface SynthesizedFleet {
  readonly stack: cdk.Stack;
  readonly fleet: DatabaseFleetMigrator;
  readonly template: Template;
  /** The state machine's definition, with every token written as `${LogicalId}` or `${LogicalId.Attribute}`. */
  readonly definition: any;
  /** The logical id of a construct's default resource. */
  id(construct: { node: { defaultChild?: unknown } }): string;
}

/** A user's stack with a VPC and the fleet construct in it. */
export function synthFleet(props: Partial<DatabaseFleetMigratorProps> = {}, stackName = 'Saas'): SynthesizedFleet {
  const app = new cdk.App({ context: testContext() });
  const stack = new cdk.Stack(app, stackName, { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const fleet = new DatabaseFleetMigrator(stack, 'Fleet', {
    vpc,
    changelogDir: DEMO_CHANGELOG_DIR,
    fleetName: 'tenants',
    secretScope: FLEET_TAG,
    ...props,
  });
  const template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as cdk.CfnElement);
  return { stack, fleet, template, definition: stateMachineDefinition(template), id };
}

/** Writes a CloudFormation value that holds tokens as text, resolving them through `resolve`. */
export function joinTokens(value: unknown, resolve: (token: unknown) => string): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : resolve(part))).join(join[0]);
  return resolve(value);
}

/** `${LogicalId}` for a Ref, `${LogicalId.Attribute}` for a GetAtt, `${AWS::Region}` for a pseudo parameter. */
export function placeholder(token: unknown): string {
  const t = token as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (t.Ref) return `\${${t.Ref}}`;
  if (t['Fn::GetAtt']) return `\${${t['Fn::GetAtt'][0]}.${t['Fn::GetAtt'][1]}}`;
  throw new Error(`unexpected token in the definition: ${JSON.stringify(token)}`);
}

/** The one state machine's definition, parsed, from the template as CloudFormation would render it. */
export function stateMachineDefinition(template: Template, resolve: (token: unknown) => string = placeholder): any {
  const machines = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  return JSON.parse(joinTokens(machines[0].Properties.DefinitionString, resolve));
}

/** Every state of a definition, the Map states' item processors included, by name. */
export function allStates(definition: any): Record<string, any> {
  const found: Record<string, any> = {};
  const visit = (states: Record<string, any>) => {
    for (const [name, state] of Object.entries(states)) {
      found[name] = state;
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(definition.States);
  return found;
}

/** The names of the states reached from `start`, following Next, Default, Choices and Catch. */
export function reachable(states: Record<string, any>, start: string): Set<string> {
  const seen = new Set<string>();
  const walk = (name: string | undefined) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const s = states[name];
    if (!s) throw new Error(`no state ${name}`);
    walk(s.Next);
    walk(s.Default);
    for (const c of s.Choices ?? []) walk(c.Next);
    for (const c of s.Catch ?? []) walk(c.Next);
  };
  walk(start);
  return seen;
}
