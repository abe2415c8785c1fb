import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { isUsageError, ReplayError } from '../../../handlers/lib/errors';
import { requestReplay, type ReplayDeps } from '../../../handlers/lib/replay-request';
import { parseWatchedStacks } from '../../../handlers/lib/watched-stacks';
import {
  APP_STACK_ID,
  BUS,
  cfnError,
  eventsError,
  EXTERNAL_STACK_ID,
  REGION,
  stack,
  WATCHED_STACKS,
} from '../support';

const cfn = mockClient(CloudFormationClient);
const events = mockClient(EventBridgeClient);

const deps: ReplayDeps = {
  cloudFormation: new CloudFormationClient({ region: REGION }),
  eventBridge: new EventBridgeClient({ region: REGION }),
  eventBusName: BUS,
  watched: parseWatchedStacks(WATCHED_STACKS),
};

beforeEach(() => {
  cfn.reset();
  events.reset();
});

describe('requestReplay', () => {
  test('a stack recreated under a watched exact id is refused, and nothing is published', async () => {
    const recreated = APP_STACK_ID.replace('0a1b2c3d', 'feedbeef');
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', recreated));

    const error = await requestReplay(deps, { stackName: 'AppStack' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReplayError);
    expect(error).toMatchObject({ code: 'STACK_NOT_WATCHED' });
    expect((error as Error).message).toContain(recreated);
    expect((error as Error).message).toContain('recreated');
    expect(isUsageError(error)).toBe(true);
    expect(events.calls()).toHaveLength(0);
  });

  test('a by-name stack whose id falls outside the watched prefix is refused', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('LegacyStack', EXTERNAL_STACK_ID.replace(REGION, 'us-east-1')));

    await expect(requestReplay(deps, { stackName: 'LegacyStack' })).rejects.toMatchObject({
      code: 'STACK_NOT_WATCHED',
      message: expect.stringContaining('outside the watched'),
    });
    expect(events.calls()).toHaveLength(0);
  });

  test('an empty DescribeStacks answer counts as a missing stack', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });

    await expect(requestReplay(deps, { stackName: 'AppStack' })).rejects.toMatchObject({
      code: 'STACK_NOT_FOUND',
      message: 'stack AppStack does not exist',
    });
  });

  test('other DescribeStacks errors pass through unchanged', async () => {
    const throttled = cfnError('Throttling', 'Rate exceeded');
    cfn.on(DescribeStacksCommand).rejects(throttled);

    await expect(requestReplay(deps, { stackName: 'AppStack' })).rejects.toBe(throttled);
  });

  test('AccessDeniedException on PutEvents names the missing permission and the bus', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', APP_STACK_ID));
    events.on(PutEventsCommand).rejects(eventsError('AccessDeniedException', 'not authorized to perform: events:PutEvents'));

    const error = await requestReplay(deps, { stackName: 'AppStack' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ACCESS_DENIED' });
    expect((error as Error).message).toMatch(/events:PutEvents on event bus db-migrator/);
    expect(isUsageError(error)).toBe(false);
  });

  test('a missing bus is reported by name', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', APP_STACK_ID));
    events.on(PutEventsCommand).rejects(eventsError('ResourceNotFoundException', 'Event bus db-migrator does not exist.'));

    await expect(requestReplay(deps, { stackName: 'AppStack' })).rejects.toMatchObject({
      code: 'BUS_NOT_FOUND',
      message: 'event bus db-migrator does not exist',
    });
  });

  test('an entry without an EventId is not taken for success', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', APP_STACK_ID));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });

    await expect(requestReplay(deps, { stackName: 'AppStack' })).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
  });
});
