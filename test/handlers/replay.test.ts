import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  APP_STACK_ID,
  BUS,
  cfnError,
  EXTERNAL_STACK_ID,
  REGION,
  stack,
  WATCHED_STACKS,
} from './support';

import { handler } from '../../handlers/replay';

// The handler reads its configuration on the first call, so setting it before any test is early enough.
process.env.AWS_REGION = REGION;
process.env.EVENT_BUS_NAME = BUS;
process.env.WATCHED_STACKS = WATCHED_STACKS;

const cfn = mockClient(CloudFormationClient);
const events = mockClient(EventBridgeClient);

const context = {
  functionName: 'replay',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:replay`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;

let output: string[];

function logLines(): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function sdkCalls(): number {
  return cfn.calls().length + events.calls().length;
}

beforeEach(() => {
  cfn.reset();
  events.reset();
  output = [];
  const capture = (chunk: unknown): boolean => {
    output.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => jest.restoreAllMocks());

describe('replay handler', () => {
  test('publishes exactly one replay request on the migrator bus and reports the stack', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'AppStack' }).resolves(stack('AppStack', APP_STACK_ID, 'UPDATE_ROLLBACK_COMPLETE'));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-123' }] });

    const result = await handler({ stackName: 'AppStack', dryRun: true, reason: 'hotfix 42' }, context);

    expect(result).toEqual({
      eventId: 'evt-123',
      stackName: 'AppStack',
      stackId: APP_STACK_ID,
      stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
      dryRun: true,
    });
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([{ StackName: 'AppStack' }]);
    const puts = events.commandCalls(PutEventsCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input).toEqual({
      Entries: [
        {
          EventBusName: BUS,
          Source: 'db-migrator.replay',
          DetailType: 'Migration Replay Requested',
          Detail: JSON.stringify({ stackName: 'AppStack', dryRun: true, reason: 'hotfix 42' }),
        },
      ],
    });
  });

  test('defaults dryRun to false and reason to null', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', APP_STACK_ID));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });

    const result = await handler({ stackName: 'AppStack' }, context);

    expect(result.dryRun).toBe(false);
    const detail = JSON.parse(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!);
    expect(detail).toEqual({ stackName: 'AppStack', dryRun: false, reason: null });
  });

  test('reports a status without judging it (the runner gate decides)', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('LegacyStack', EXTERNAL_STACK_ID, 'UPDATE_IN_PROGRESS'));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-2' }] });

    const result = await handler({ stackName: 'LegacyStack' }, context);

    expect(result).toMatchObject({ stackStatus: 'UPDATE_IN_PROGRESS', stackId: EXTERNAL_STACK_ID, eventId: 'evt-2' });
  });

  test('writes a structured JSON log line with the outcome and the Lambda context', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', APP_STACK_ID));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-log' }] });

    await handler({ stackName: 'AppStack' }, context);

    const line = logLines().find((l) => l.message === 'replay requested');
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'db-migrator-replay',
      eventId: 'evt-log',
      stackId: APP_STACK_ID,
      function_request_id: 'req-1',
    });
  });

  test('refuses an unwatched stack without calling AWS', async () => {
    await expect(handler({ stackName: 'SomeoneElsesStack' }, context)).rejects.toMatchObject({
      name: 'ReplayError',
      code: 'STACK_NOT_WATCHED',
      message: expect.stringContaining('stack SomeoneElsesStack is not watched'),
    });
    expect(sdkCalls()).toBe(0);
    expect(logLines().find((l) => l.message === 'replay refused')).toMatchObject({ level: 'WARN', code: 'STACK_NOT_WATCHED' });
  });

  test('a missing stack gives "stack X does not exist" and publishes nothing', async () => {
    cfn.on(DescribeStacksCommand).rejects(cfnError('ValidationError', 'Stack with id LegacyStack does not exist'));

    await expect(handler({ stackName: 'LegacyStack' }, context)).rejects.toMatchObject({
      code: 'STACK_NOT_FOUND',
      message: 'stack LegacyStack does not exist',
    });
    expect(events.calls()).toHaveLength(0);
  });

  test('AccessDenied on DescribeStacks names the missing permission', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(cfnError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/r/replay is not authorized to perform: cloudformation:DescribeStacks'));

    const error = await handler({ stackName: 'AppStack' }, context).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ACCESS_DENIED' });
    expect((error as Error).message).toContain('cloudformation:DescribeStacks');
    expect((error as Error).message).toContain('AppStack');
    expect(events.calls()).toHaveLength(0);
    expect(logLines().find((l) => l.message === 'replay failed')).toMatchObject({ level: 'ERROR', code: 'ACCESS_DENIED' });
  });

  test('a PutEvents partial failure (FailedEntryCount 1) is an error carrying the entry error code', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('AppStack', APP_STACK_ID));
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Please retry' }],
    });

    await expect(handler({ stackName: 'AppStack' }, context)).rejects.toMatchObject({
      code: 'PUBLISH_FAILED',
      message: expect.stringMatching(/InternalFailure.*Please retry/),
    });
  });

  test.each([
    ['no stackName', {}, /stackName is required/],
    ['empty stackName', { stackName: '' }, /stackName is required/],
    ['numeric stackName', { stackName: 42 }, /stackName must be a string/],
    ['malformed stackName', { stackName: '1-bad_name' }, /not a CloudFormation stack name/],
    ['string dryRun', { stackName: 'AppStack', dryRun: 'yes' }, /dryRun must be true or false/],
    ['numeric reason', { stackName: 'AppStack', reason: 7 }, /reason must be a string/],
    ['a field that tries to choose the changelog', { stackName: 'AppStack', changelog: 'x.yaml' }, /unknown field\(s\) changelog/],
    ['not an object', 'AppStack', /expected a JSON object/],
    ['null', null, /expected a JSON object/],
  ])('invalid input (%s) is refused before any AWS call', async (_label, event, message) => {
    await expect(handler(event, context)).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(message) });
    expect(sdkCalls()).toBe(0);
  });
});

describe('replay handler configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  // Configuration is read on the first call, so the environment stays changed until the test ends.
  function loadFreshHandler(env: Record<string, string | undefined>) {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    let fresh!: typeof import('../../handlers/replay');
    let freshCfn!: { calls(): unknown[] };
    jest.isolateModules(() => {
      // The isolated registry has its own SDK classes; mock those, not the ones above.
      const sdk = require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
      const mock = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
      fresh = require('../../handlers/replay');
      freshCfn = mock.mockClient(sdk.CloudFormationClient);
    });
    return { call: (event: unknown) => fresh.handler(event, context), cfnCalls: () => freshCfn.calls().length };
  }

  test.each(['EVENT_BUS_NAME', 'WATCHED_STACKS'])('a missing %s is a clear error naming it', async (name) => {
    const { call, cfnCalls } = loadFreshHandler({ [name]: undefined });

    await expect(call({ stackName: 'AppStack' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `environment variable ${name} is not set`,
    });
    expect(cfnCalls()).toBe(0);
  });

  test('a malformed WATCHED_STACKS entry is a clear error quoting it', async () => {
    const { call } = loadFreshHandler({ WATCHED_STACKS: 'AppStack' });

    await expect(call({ stackName: 'AppStack' })).rejects.toThrow(/WATCHED_STACKS entry "AppStack" is neither a stack id/);
  });
});
