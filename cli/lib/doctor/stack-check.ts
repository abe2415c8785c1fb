import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CliError } from '../errors';
import { describeMigratorStack, type MigratorStack, missingOutputs } from '../stack-outputs';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'stack';
const COMPLETE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

function statusProblem(stack: MigratorStack): CheckResult | undefined {
  const { stackName, stackStatus } = stack;
  if (COMPLETE.has(stackStatus)) return undefined;
  if (stackStatus.endsWith('_IN_PROGRESS')) {
    return fail(NAME, `${stackName} is ${stackStatus}`, 'wait for the deploy to finish, then run the doctor again');
  }
  if (stackStatus === 'UPDATE_ROLLBACK_COMPLETE' || stackStatus === 'IMPORT_ROLLBACK_COMPLETE') {
    return fail(
      NAME,
      `${stackName} is ${stackStatus}: its last update rolled back, so the previous version is running`,
      `find the failed resource with \`aws cloudformation describe-stack-events --stack-name ${stackName}\`, fix it and redeploy`,
    );
  }
  return fail(
    NAME,
    `${stackName} is ${stackStatus}`,
    `see \`aws cloudformation describe-stack-events --stack-name ${stackName}\`; a stack that failed to create must be deleted and deployed again`,
  );
}

/** The migrator stack exists, finished its last deploy, and has the outputs the CLI reads. */
export async function checkStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
  region: string | undefined,
): Promise<{ check: CheckResult; stack?: MigratorStack }> {
  let stack: MigratorStack | undefined;
  const check = await guarded(NAME, 'cloudformation:DescribeStacks on the stack', async () => {
    try {
      stack = await describeMigratorStack(cloudFormation, stackName, region);
    } catch (error) {
      if (error instanceof CliError && /does not exist/.test(error.message)) {
        return fail(NAME, error.message, `deploy the migrator (\`npx cdk deploy ${stackName}\`), or name the right stack and region`);
      }
      throw error;
    }
    const problem = statusProblem(stack);
    if (problem) return problem;
    const missing = missingOutputs(stack);
    if (missing.length > 0) {
      return fail(
        NAME,
        `${stack.stackName} is ${stack.stackStatus} but lacks the output(s) ${missing.join(', ')}`,
        'is it the migrator stack? Redeploy the migrator, whose stack has these outputs',
      );
    }
    return pass(NAME, `${stack.stackName} is ${stack.stackStatus}, with all outputs`);
  });
  return { check, stack };
}
