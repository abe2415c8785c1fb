import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsCall, awsErrorMessage, awsErrorName } from './aws-errors';
import { CliError } from './errors';

export const DEFAULT_MIGRATOR_STACK = 'db-migrator';

/** The outputs every migrator stack has (DESIGN.md "Stack outputs of the migrator"). */
export const REQUIRED_OUTPUTS = [
  'ResultParameterName',
  'RunnerFunctionName',
  'EventBusName',
  'AlertTopicArn',
  'DeadLetterQueueUrl',
] as const;

/** Outputs only newer migrators have; asking for one that is missing explains that the stack predates it. */
export const OPTIONAL_OUTPUTS = ['ArchiveName', 'MainRuleArn'] as const;

export type OutputName = (typeof REQUIRED_OUTPUTS)[number] | (typeof OPTIONAL_OUTPUTS)[number];

export interface MigratorStack {
  readonly stackName: string;
  readonly stackId: string;
  readonly stackStatus: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly region: string | undefined;
}

function stackNotFound(stackName: string, region: string | undefined, flag: string): CliError {
  const where = region ? ` in ${region}` : '';
  return new CliError(
    `stack ${stackName} does not exist${where}. Check the name (${flag}; the migrator stack is "db-migrator" ` +
      `unless it was deployed under another name) and the region (--region or AWS_REGION)`,
  );
}

/** Reads the migrator stack's status and outputs with one DescribeStacks call; `flag` is the option that named it. */
export async function describeMigratorStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
  region: string | undefined,
  flag = '--stack',
): Promise<MigratorStack> {
  const response = await awsCall(
    `cloudformation:DescribeStacks on stack ${stackName}`,
    region,
    () => cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })),
    // CloudFormation answers a missing stack with a generic ValidationError; only its text tells it apart.
    (error) =>
      awsErrorName(error) === 'ValidationError' && /does not exist/i.test(awsErrorMessage(error))
        ? stackNotFound(stackName, region, flag)
        : undefined,
  );
  const stack = response.Stacks?.[0];
  if (!stack?.StackId || !stack.StackStatus) throw stackNotFound(stackName, region, flag);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return { stackName: stack.StackName ?? stackName, stackId: stack.StackId, stackStatus: stack.StackStatus, outputs, region };
}

export function missingOutputs(stack: MigratorStack): string[] {
  return REQUIRED_OUTPUTS.filter((name) => !stack.outputs[name]);
}

/** One output by name, or an error that says why it may be missing and what to do. */
export function requireOutput(stack: MigratorStack, name: OutputName): string {
  const value = stack.outputs[name];
  if (value) return value;
  const present = Object.keys(stack.outputs);
  const has = present.length > 0 ? `its outputs are ${present.join(', ')}` : 'it has no outputs';
  if ((OPTIONAL_OUTPUTS as readonly string[]).includes(name)) {
    throw new CliError(
      `stack ${stack.stackName} has no output ${name} (${has}): the deployed migrator predates it. ` +
        'Redeploy the migrator stack with a version that outputs it',
    );
  }
  throw new CliError(
    `stack ${stack.stackName} has no output ${name} (${has}). Is it the migrator stack? Pass the migrator's ` +
      'stack name with --stack (or --migrator-stack for replay), or redeploy the migrator',
  );
}
