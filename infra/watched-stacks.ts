import * as cdk from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * A stack whose successful deploys trigger a migration.
 *
 * - A `cdk.Stack` of the same app is watched by its exact stack id: a stack deleted and recreated under the same
 *   name is a different stack.
 * - A string is the NAME of a stack outside the app, watched by the stack-id prefix
 *   `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/`, in the migrator's own region and account.
 */
export type WatchedStack = cdk.Stack | string;

export interface ResolvedWatchedStack {
  /** The entry of the rule's `detail.stack-id` list. */
  readonly patternEntry: string | { prefix: string };
  /** The same entry as plain text, one item of the runner's and the replay handler's `WATCHED_STACKS`. */
  readonly listEntry: string;
  /** The IAM resource that `cloudformation:DescribeStacks` is allowed on. */
  readonly stackArn: string;
}

// CloudFormation's rule for stack names.
const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;

/** Resolves and checks the list; `owner` is the construct that reports the errors. */
export function resolveWatchedStacks(owner: Construct, watched: readonly WatchedStack[]): ResolvedWatchedStack[] {
  const fail = (message: string): never => {
    throw new Error(`${owner.node.path}: ${message}`);
  };
  if (watched.length === 0) {
    fail('watchedStacks is empty; list at least one stack whose deploys should run the migration');
  }
  const own = cdk.Stack.of(owner);
  const seen = new Set<unknown>();
  const resolved: ResolvedWatchedStack[] = [];
  for (const stack of watched) {
    if (seen.has(stack)) continue;
    seen.add(stack);
    if (cdk.Stack.isStack(stack)) {
      checkSameEnvironment(own, stack, fail);
      resolved.push({ patternEntry: stack.stackId, listEntry: stack.stackId, stackArn: stack.stackId });
    } else if (typeof stack === 'string') {
      if (!cdk.Token.isUnresolved(stack) && !STACK_NAME.test(stack)) {
        fail(`watchedStacks entry "${stack}" is not a valid CloudFormation stack name`);
      }
      // The trailing slash keeps "app" from matching "app-staging".
      const prefix = `arn:${own.partition}:cloudformation:${own.region}:${own.account}:stack/${stack}/`;
      resolved.push({ patternEntry: { prefix }, listEntry: prefix, stackArn: `${prefix}*` });
    } else {
      fail(`watchedStacks entries must be a cdk.Stack or a stack name, got ${JSON.stringify(stack)}`);
    }
  }
  return resolved;
}

/** CloudFormation publishes a stack's events only on the default bus of its own account and region. */
function checkSameEnvironment(own: cdk.Stack, watched: cdk.Stack, fail: (message: string) => never): void {
  for (const key of ['account', 'region'] as const) {
    const mine = own[key];
    const theirs = watched[key];
    if (!cdk.Token.isUnresolved(mine) && !cdk.Token.isUnresolved(theirs) && mine !== theirs) {
      fail(
        `watched stack ${watched.stackName} is in ${key} ${theirs}, but the migrator is in ${mine}; ` +
          `CloudFormation events reach only the default bus of their own account and region`,
      );
    }
  }
}
