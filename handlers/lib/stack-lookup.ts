import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsErrorMessage, awsErrorName, isAccessDenied } from './aws-errors';
import { ReplayError } from './errors';

export interface StackInfo {
  readonly stackName: string;
  readonly stackId: string;
  readonly stackStatus: string;
}

/** CloudFormation answers a missing stack with a generic ValidationError; only its text tells it apart. */
function isMissingStack(error: unknown): boolean {
  return awsErrorName(error) === 'ValidationError' && /does not exist/i.test(awsErrorMessage(error));
}

/** Resolves a stack name to its current id and status, turning the usual refusals into clear errors. */
export async function describeStack(cloudFormation: CloudFormationClient, stackName: string): Promise<StackInfo> {
  let stack;
  try {
    const response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = response.Stacks?.[0];
  } catch (error) {
    if (isMissingStack(error)) {
      throw new ReplayError('STACK_NOT_FOUND', `stack ${stackName} does not exist`, { cause: error });
    }
    if (isAccessDenied(error)) {
      throw new ReplayError(
        'ACCESS_DENIED',
        `access denied: cloudformation:DescribeStacks on stack ${stackName} is not allowed for these credentials ` +
          `(${awsErrorMessage(error)})`,
        { cause: error },
      );
    }
    throw error;
  }
  if (!stack?.StackId || !stack.StackStatus) {
    throw new ReplayError('STACK_NOT_FOUND', `stack ${stackName} does not exist`);
  }
  return { stackName: stack.StackName ?? stackName, stackId: stack.StackId, stackStatus: stack.StackStatus };
}
