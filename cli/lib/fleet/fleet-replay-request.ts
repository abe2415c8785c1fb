import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { MAX_REASON_LENGTH } from '../../../handlers/lib/replay-input';
import { isValidStackName } from '../../../handlers/lib/stack-name';
import { awsCall } from '../aws-errors';
import { CliError, UsageError } from '../errors';

export const FLEET_REPLAY_SOURCE = 'db-migrator.replay';
export const FLEET_REPLAY_DETAIL_TYPE = 'Fleet Migration Replay Requested';

/** The manifest's id rule: a replay can name only ids the manifest could hold. */
export const TARGET_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * EventBridge refuses an entry above 256 KB, and Step Functions an execution input above 256 KiB; the event
 * arrives as the execution's input wrapped in its envelope (id, time, account, region, resources: well under
 * 2 KB), so the detail is kept below this.
 */
export const MAX_DETAIL_BYTES = 250_000;

/** The detail of the replay event: ids only. The changelog, the databases and their credentials never ride along. */
export interface FleetReplayDetail {
  readonly stackName: string;
  readonly dryRun: boolean;
  readonly reason: string | null;
  readonly targetIds: string[] | null;
}

/** Validates the parts a person typed and builds the detail; a bad value is a usage error, with nothing published. */
export function fleetReplayDetail(input: {
  stackName: string;
  dryRun: boolean;
  reason: string | undefined;
  targetIds: readonly string[] | null;
}): FleetReplayDetail {
  if (!isValidStackName(input.stackName)) {
    throw new UsageError(`"${input.stackName}" is not a CloudFormation stack name (a letter, then letters, digits or hyphens, at most 128)`);
  }
  const reason = input.reason?.trim() ?? '';
  if (reason.length > MAX_REASON_LENGTH) {
    throw new UsageError(`--reason is ${reason.length} characters; at most ${MAX_REASON_LENGTH} fit in the records`);
  }
  let targetIds: string[] | null = null;
  if (input.targetIds !== null) {
    const bad = input.targetIds.filter((id) => !TARGET_ID_PATTERN.test(id));
    if (bad.length > 0) {
      throw new UsageError(
        `not a target id: ${bad.slice(0, 5).map((id) => JSON.stringify(id)).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''} ` +
          '(a letter or digit, then letters, digits, ".", "_" or "-", at most 128)',
      );
    }
    // Manifest order is the fleet's; the request only says which ids, once each.
    targetIds = [...new Set(input.targetIds)];
    if (targetIds.length === 0) throw new UsageError('no target to replay: the list of ids is empty');
  }
  const detail: FleetReplayDetail = { stackName: input.stackName, dryRun: input.dryRun, reason: reason === '' ? null : reason, targetIds };
  const bytes = Buffer.byteLength(JSON.stringify(detail));
  if (bytes > MAX_DETAIL_BYTES) {
    throw new CliError(
      `the request names ${targetIds?.length ?? 0} targets (${bytes} bytes), more than one event can carry ` +
        `(${MAX_DETAIL_BYTES} bytes). Replay the whole fleet instead (no --target, no --failed-only): ` +
        'targets that are up to date finish without applying anything',
    );
  }
  return detail;
}

export function fleetReplayEntry(eventBusName: string, detail: FleetReplayDetail): PutEventsRequestEntry {
  return { EventBusName: eventBusName, Source: FLEET_REPLAY_SOURCE, DetailType: FLEET_REPLAY_DETAIL_TYPE, Detail: JSON.stringify(detail) };
}

/** Publishes the request; PutEvents reports a rejected entry in its answer, not as an exception. Returns the event id. */
export async function publishFleetReplay(
  eventBridge: EventBridgeClient,
  eventBusName: string,
  detail: FleetReplayDetail,
  region: string | undefined,
): Promise<string> {
  const response = await awsCall(`events:PutEvents on event bus ${eventBusName}`, region, () =>
    eventBridge.send(new PutEventsCommand({ Entries: [fleetReplayEntry(eventBusName, detail)] })),
  );
  const entry = response.Entries?.[0];
  if ((response.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode || !entry?.EventId) {
    const code = entry?.ErrorCode ?? 'UnknownError';
    throw new CliError(`event bus ${eventBusName} rejected the fleet replay request (${code}${entry?.ErrorMessage ? `: ${entry.ErrorMessage}` : ''})`);
  }
  return entry.EventId;
}
