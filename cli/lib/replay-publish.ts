import { ReplayError } from '../../handlers/lib/errors';
import { parseReplayInput } from '../../handlers/lib/replay-input';
import { requestReplay, type ReplayResult } from '../../handlers/lib/replay-request';
import { describeStack, type StackInfo } from '../../handlers/lib/stack-lookup';
import { isStackIdWatched, watchedByName } from '../../handlers/lib/watched-stacks';
import type { AwsClients } from './aws-clients';
import { explainAwsError } from './aws-errors';
import { describeRunnerFunction, watchedStacksOf } from './runner-function';
import { type MigratorStack, requireOutput } from './stack-outputs';

export interface ReplayOptions {
  readonly stackName: string;
  readonly dryRun: boolean;
  readonly reason: string | undefined;
}

/**
 * The same code path as the replay Lambda (handlers/lib/replay-request): validate, check that the stack is
 * watched and exists, publish on the migrator's bus. Only the configuration is found differently: the bus
 * from the stack outputs, the watched list from the runner function's environment.
 */
export async function publishReplay(
  clients: AwsClients,
  migrator: MigratorStack,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const eventBusName = requireOutput(migrator, 'EventBusName');
  const runner = await describeRunnerFunction(clients.lambda, requireOutput(migrator, 'RunnerFunctionName'), migrator.region);
  const watched = watchedStacksOf(runner);
  try {
    return await requestReplay(
      { cloudFormation: clients.cloudFormation, eventBridge: clients.eventBridge, eventBusName, watched },
      { stackName: options.stackName, dryRun: options.dryRun, reason: options.reason },
    );
  } catch (error) {
    throw explainAwsError(error, `the replay request for stack ${options.stackName}`, migrator.region);
  }
}

/**
 * The checks of a replay without the publishing, for an archive replay: the stack must be one the deployed
 * migrator watches, and it must exist under the watched id.
 */
export async function checkWatchedStack(
  clients: AwsClients,
  migrator: MigratorStack,
  stackName: string,
): Promise<StackInfo> {
  const runner = await describeRunnerFunction(clients.lambda, requireOutput(migrator, 'RunnerFunctionName'), migrator.region);
  const watched = watchedStacksOf(runner);
  try {
    const input = parseReplayInput({ stackName });
    const candidates = watchedByName(watched, input.stackName);
    const names = [...new Set(watched.map((w) => w.stackName))].join(', ');
    if (candidates.length === 0) {
      throw new ReplayError('STACK_NOT_WATCHED', `stack ${stackName} is not watched by this migrator (watched: ${names})`);
    }
    const stack = await describeStack(clients.cloudFormation, input.stackName);
    if (!isStackIdWatched(candidates, stack.stackId)) {
      throw new ReplayError('STACK_NOT_WATCHED', `stack ${stackName} (${stack.stackId}) is not the watched ${candidates.map((c) => c.entry).join(', ')}`);
    }
    return stack;
  } catch (error) {
    throw explainAwsError(error, `the check of stack ${stackName}`, migrator.region);
  }
}
