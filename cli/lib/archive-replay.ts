import { DescribeArchiveCommand, type EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { awsCall, awsErrorName } from './aws-errors';
import { CliError } from './errors';

export interface ArchiveReplayRequest {
  readonly archiveName: string;
  readonly mainRuleArn: string;
  readonly since: Date;
  readonly until: Date;
  readonly replayName: string;
}

export interface ArchiveReplayStarted {
  readonly replayName: string;
  readonly replayArn: string | undefined;
  readonly state: string | undefined;
  readonly archiveArn: string;
  readonly destinationBusArn: string;
}

/**
 * The main rule lives on the default bus, where CloudFormation's events arrive; a rule ARN names its bus only
 * when that bus is a custom one (`rule/<bus>/<rule>`).
 */
export function busArnOfRule(ruleArn: string): string {
  const match = /^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}):rule\/(?:([^/]+)\/)?[^/]+$/.exec(ruleArn);
  if (!match) throw new CliError(`MainRuleArn ${ruleArn} is not an EventBridge rule ARN: redeploy the migrator stack`);
  return `${match[1]}:event-bus/${match[2] ?? 'default'}`;
}

/** A name EventBridge accepts (at most 64 of [.-_A-Za-z0-9]) that says what was replayed and when. */
export function replayNameFor(stackName: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `db-migrator-${stackName}`.slice(0, 64 - stamp.length - 1) + `-${stamp}`;
}

/**
 * Re-sends the archived CloudFormation events of the window to the main rule only, so the runner sees the
 * original deploy events again; no other rule on the default bus receives them.
 */
export async function startArchiveReplay(
  eventBridge: EventBridgeClient,
  region: string | undefined,
  request: ArchiveReplayRequest,
): Promise<ArchiveReplayStarted> {
  const destinationBusArn = busArnOfRule(request.mainRuleArn);
  const archive = await awsCall(
    `events:DescribeArchive on archive ${request.archiveName}`,
    region,
    () => eventBridge.send(new DescribeArchiveCommand({ ArchiveName: request.archiveName })),
    (error) =>
      awsErrorName(error) === 'ResourceNotFoundException'
        ? new CliError(`archive ${request.archiveName} (the stack's ArchiveName output) does not exist: redeploy the migrator stack`)
        : undefined,
  );
  if (!archive.ArchiveArn) throw new CliError(`archive ${request.archiveName} has no ARN`);
  if (archive.State && archive.State !== 'ENABLED') {
    throw new CliError(`archive ${request.archiveName} is ${archive.State}, not ENABLED: it cannot be replayed now`);
  }
  const started = await awsCall(`events:StartReplay from archive ${request.archiveName}`, region, () =>
    eventBridge.send(
      new StartReplayCommand({
        ReplayName: request.replayName,
        Description: 'db-migrator: replay of archived CloudFormation events',
        EventSourceArn: archive.ArchiveArn,
        EventStartTime: request.since,
        EventEndTime: request.until,
        Destination: { Arn: destinationBusArn, FilterArns: [request.mainRuleArn] },
      }),
    ),
  );
  return {
    replayName: request.replayName,
    replayArn: started.ReplayArn,
    state: started.State,
    archiveArn: archive.ArchiveArn,
    destinationBusArn,
  };
}
