import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { awsErrorMessage, awsErrorName, isAccessDenied } from './aws-errors';
import { ReplayError } from './errors';
import type { ReplayInput } from './replay-input';

export const REPLAY_SOURCE = 'db-migrator.replay';
export const REPLAY_DETAIL_TYPE = 'Migration Replay Requested';

/** The detail is the validated input and nothing more: the runner takes everything else from its deployment. */
export function replayEventEntry(eventBusName: string, input: ReplayInput): PutEventsRequestEntry {
  const detail = { stackName: input.stackName, dryRun: input.dryRun, reason: input.reason };
  return {
    EventBusName: eventBusName,
    Source: REPLAY_SOURCE,
    DetailType: REPLAY_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
  };
}

/** Publishes the request; PutEvents reports a rejected entry in its answer, not as an exception. */
export async function publishReplayEvent(
  eventBridge: EventBridgeClient,
  eventBusName: string,
  input: ReplayInput,
): Promise<string> {
  let response;
  try {
    response = await eventBridge.send(new PutEventsCommand({ Entries: [replayEventEntry(eventBusName, input)] }));
  } catch (error) {
    if (isAccessDenied(error)) {
      throw new ReplayError(
        'ACCESS_DENIED',
        `access denied: events:PutEvents on event bus ${eventBusName} is not allowed for these credentials ` +
          `(${awsErrorMessage(error)})`,
        { cause: error },
      );
    }
    if (awsErrorName(error) === 'ResourceNotFoundException') {
      throw new ReplayError('BUS_NOT_FOUND', `event bus ${eventBusName} does not exist`, { cause: error });
    }
    throw error;
  }

  const entry = response.Entries?.[0];
  if ((response.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode || !entry?.EventId) {
    const code = entry?.ErrorCode ?? 'UnknownError';
    const detail = entry?.ErrorMessage ? `: ${entry.ErrorMessage}` : '';
    throw new ReplayError('PUBLISH_FAILED', `event bus ${eventBusName} rejected the replay request (${code}${detail})`);
  }
  return entry.EventId;
}
