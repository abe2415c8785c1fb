import type { LambdaClient } from '@aws-sdk/client-lambda';
import { describeRunnerFunction, type RunnerFunction, watchedStacksOf } from '../runner-function';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'runner function';

/** The Java runner exists, is usable, and carries the configuration the other checks read. */
export async function checkRunner(
  lambda: LambdaClient,
  functionName: string,
  region: string | undefined,
): Promise<{ check: CheckResult; runner?: RunnerFunction }> {
  let runner: RunnerFunction | undefined;
  const check = await guarded(NAME, `lambda:GetFunctionConfiguration on ${functionName}`, async () => {
    runner = await describeRunnerFunction(lambda, functionName, region);
    if (runner.state === 'Failed' || runner.lastUpdateStatus === 'Failed') {
      return fail(
        NAME,
        `${functionName} is ${runner.state}/${runner.lastUpdateStatus}: ${runner.stateReason ?? 'no reason given'}`,
        'fix the cause (often the VPC: subnets without free IPs, a deleted security group) and redeploy',
      );
    }
    const missing = ['DB_SECRET_ARN', 'WATCHED_STACKS'].filter((name) => !runner?.environment[name]);
    if (missing.length > 0) {
      return fail(NAME, `${functionName} lacks the variable(s) ${missing.join(', ')}`, 'redeploy the migrator stack');
    }
    const watched = watchedStacksOf(runner);
    // Inactive only means idle: Lambda reactivates the function on its next invocation.
    return pass(
      NAME,
      `${functionName} is ${runner.state ?? 'present'}, watching ${[...new Set(watched.map((w) => w.stackName))].join(', ')}`,
    );
  });
  return { check, runner };
}
