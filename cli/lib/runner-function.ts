import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { parseWatchedStacks, type WatchedStack } from '../../handlers/lib/watched-stacks';
import { awsCall, awsErrorName } from './aws-errors';
import { CliError } from './errors';

/** What the CLI needs to know about the deployed Java runner. */
export interface RunnerFunction {
  readonly functionName: string;
  readonly functionArn: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly state: string | undefined;
  readonly stateReason: string | undefined;
  readonly lastUpdateStatus: string | undefined;
}

export async function describeRunnerFunction(
  lambda: LambdaClient,
  functionName: string,
  region: string | undefined,
): Promise<RunnerFunction> {
  const config = await awsCall(
    `lambda:GetFunctionConfiguration on function ${functionName}`,
    region,
    () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
    (error) =>
      awsErrorName(error) === 'ResourceNotFoundException'
        ? new CliError(
            `the runner function ${functionName} named by the stack's RunnerFunctionName output does not exist: ` +
              'redeploy the migrator stack',
          )
        : undefined,
  );
  return {
    functionName: config.FunctionName ?? functionName,
    functionArn: config.FunctionArn ?? functionName,
    environment: config.Environment?.Variables ?? {},
    subnetIds: config.VpcConfig?.SubnetIds ?? [],
    securityGroupIds: config.VpcConfig?.SecurityGroupIds ?? [],
    state: config.State,
    stateReason: config.StateReason,
    lastUpdateStatus: config.LastUpdateStatus,
  };
}

/**
 * The watched stacks come from the runner's own WATCHED_STACKS, the list its rules were built from, so the CLI
 * can refuse a stack the deployed migrator would not run for, before publishing anything.
 */
export function watchedStacksOf(runner: RunnerFunction): WatchedStack[] {
  const value = runner.environment.WATCHED_STACKS;
  if (!value) {
    throw new CliError(
      `the runner function ${runner.functionName} has no WATCHED_STACKS variable: redeploy the migrator stack`,
    );
  }
  return parseWatchedStacks(value, `WATCHED_STACKS of function ${runner.functionName}`);
}
