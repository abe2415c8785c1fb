import { DescribeRuleCommand, type EventBridgeClient, ListRuleNamesByTargetCommand } from '@aws-sdk/client-eventbridge';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'event rules';

interface RuleState {
  readonly bus: string;
  readonly name: string;
  readonly state: string | undefined;
}

async function rulesTargeting(events: EventBridgeClient, functionArn: string, bus: string): Promise<RuleState[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await events.send(
      new ListRuleNamesByTargetCommand({ TargetArn: functionArn, EventBusName: bus, NextToken: nextToken }),
    );
    names.push(...(page.RuleNames ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  const rules: RuleState[] = [];
  for (const name of names) {
    const rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
    rules.push({ bus, name, state: rule.State });
  }
  return rules;
}

/**
 * Two rules must reach the runner: the deploy rule on the default bus (CloudFormation's events arrive only
 * there) and the replay rule on the migrator's bus.
 */
export async function checkRules(events: EventBridgeClient, functionArn: string, migratorBus: string): Promise<CheckResult> {
  return guarded(NAME, 'events:ListRuleNamesByTarget and events:DescribeRule', async () => {
    const problems: string[] = [];
    const fixes: string[] = [];
    const found: string[] = [];
    for (const [bus, purpose] of [
      ['default', 'deploys of watched stacks'],
      [migratorBus, 'replay requests'],
    ] as const) {
      const rules = await rulesTargeting(events, functionArn, bus);
      if (rules.length === 0) {
        problems.push(`no rule on bus ${bus} targets the runner, so ${purpose} reach nothing`);
        fixes.push('redeploy the migrator stack to recreate its rules');
      }
      for (const rule of rules) {
        if (rule.state === 'ENABLED') {
          found.push(`${rule.name} (${bus})`);
        } else {
          problems.push(`rule ${rule.name} on bus ${bus} is ${rule.state ?? 'in an unknown state'}`);
          fixes.push(`\`aws events enable-rule --name ${rule.name}${bus === 'default' ? '' : ` --event-bus-name ${bus}`}\``);
        }
      }
    }
    if (problems.length > 0) return fail(NAME, problems.join('; '), [...new Set(fixes)].join('; '));
    return pass(NAME, `enabled and targeting the runner: ${found.join(', ')}`);
  });
}
