import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ReplayError } from './errors';
import { parseReplayInput } from './replay-input';
import { publishReplayEvent } from './replay-event';
import { describeStack } from './stack-lookup';
import { isStackIdWatched, watchedByName, type WatchedStack } from './watched-stacks';

export interface ReplayDeps {
  readonly cloudFormation: CloudFormationClient;
  readonly eventBridge: EventBridgeClient;
  readonly eventBusName: string;
  readonly watched: readonly WatchedStack[];
}

export interface ReplayResult {
  readonly eventId: string;
  readonly stackName: string;
  readonly stackId: string;
  /** Reported, not judged: whether this status runs is decided by the runner's gate alone. */
  readonly stackStatus: string;
  readonly dryRun: boolean;
}

function watchedList(watched: readonly WatchedStack[]): string {
  return [...new Set(watched.map((w) => w.stackName))].join(', ');
}

function idMismatch(stackName: string, stackId: string, candidates: readonly WatchedStack[]): string {
  const entries = candidates.map((w) => w.entry).join(', ');
  return candidates.every((w) => w.kind === 'exact')
    ? `stack ${stackName} is not watched: its id is ${stackId}, but the watched id is ${entries}; ` +
        'the stack was probably deleted and recreated, so redeploy the migrator to watch the new stack'
    : `stack ${stackName} is not watched: its id ${stackId} is outside the watched ${entries} ` +
        '(another region or account?)';
}

/**
 * Validates the request, checks that the stack is watched and exists, and puts the replay request on the
 * migrator's bus. The name is checked before any AWS call so that an unwatched stack costs nothing and
 * reveals nothing about the account.
 */
export async function requestReplay(deps: ReplayDeps, rawInput: unknown): Promise<ReplayResult> {
  const input = parseReplayInput(rawInput);

  const candidates = watchedByName(deps.watched, input.stackName);
  if (candidates.length === 0) {
    throw new ReplayError(
      'STACK_NOT_WATCHED',
      `stack ${input.stackName} is not watched by this migrator (watched: ${watchedList(deps.watched)})`,
    );
  }

  const stack = await describeStack(deps.cloudFormation, input.stackName);
  if (!isStackIdWatched(candidates, stack.stackId)) {
    throw new ReplayError('STACK_NOT_WATCHED', idMismatch(input.stackName, stack.stackId, candidates));
  }

  const eventId = await publishReplayEvent(deps.eventBridge, deps.eventBusName, input);
  return {
    eventId,
    stackName: stack.stackName,
    stackId: stack.stackId,
    stackStatus: stack.stackStatus,
    dryRun: input.dryRun,
  };
}
