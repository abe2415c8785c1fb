import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeArchiveCommand, EventBridgeClient, PutEventsCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  accessDenied,
  ARCHIVE,
  awsError,
  BUS,
  MAIN_RULE_ARN,
  migratorStack,
  MIGRATOR_STACK,
  OUTPUTS,
  PARAMETER,
  RUNNER,
  RUNNER_ARN,
  stackMissing,
} from '../support/aws-fakes';
import { ACCOUNT, APP_STACK, APP_STACK_ID, expectValidResult, REGION, sampleResult } from '../support/results';
import { cli, jsonLines } from '../support/run-cli';

const cfn = mockClient(CloudFormationClient);
const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);

const EVENT_ID = '5a1c2b3d-0000-4000-8000-00000000abcd';
const WATCHED = `${APP_STACK_ID},arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/LegacyStack/`;

beforeEach(() => {
  for (const mock of [cfn, events, lambda, ssm]) mock.reset();
  cfn
    .on(DescribeStacksCommand, { StackName: MIGRATOR_STACK })
    .resolves(migratorStack())
    .on(DescribeStacksCommand, { StackName: APP_STACK })
    .resolves({ Stacks: [{ StackName: APP_STACK, StackId: APP_STACK_ID, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
  lambda
    .on(GetFunctionConfigurationCommand, { FunctionName: RUNNER })
    .resolves({ FunctionName: RUNNER, FunctionArn: RUNNER_ARN, Environment: { Variables: { WATCHED_STACKS: WATCHED } } });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: EVENT_ID }] });
});

function parameterVersions(...values: { version: number; value: string }[]): void {
  // Each GetParameter of the latest version returns the next entry (the last one sticks), and a
  // `name:version` selector returns that version.
  const latest = ssm.on(GetParameterCommand, { Name: PARAMETER });
  values.forEach(({ version, value }) => latest.resolvesOnce({ Parameter: { Name: PARAMETER, Version: version, Value: value } }));
  const last = values[values.length - 1];
  latest.resolves({ Parameter: { Name: PARAMETER, Version: last.version, Value: last.value } });
  for (const { version, value } of values) {
    ssm.on(GetParameterCommand, { Name: `${PARAMETER}:${version}` }).resolves({ Parameter: { Name: PARAMETER, Version: version, Value: value } });
  }
}

const replayResult = (overrides = {}) =>
  sampleResult({ trigger: { type: 'REPLAY', eventId: EVENT_ID, stackId: null, stackStatus: null, reason: 'hotfix' }, ...overrides });

describe('replay', () => {
  test('publishes the request through the replay handler code path, with the watched list from the runner', async () => {
    const run = await cli(['replay', '--stack', APP_STACK, '--dry-run', '--reason', 'hotfix 42']);

    expect(run.code).toBe(0);
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0].args[0].input).toEqual({ FunctionName: RUNNER });
    const puts = events.commandCalls(PutEventsCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input.Entries).toEqual([
      {
        EventBusName: BUS,
        Source: 'db-migrator.replay',
        DetailType: 'Migration Replay Requested',
        Detail: JSON.stringify({ stackName: APP_STACK, dryRun: true, reason: 'hotfix 42' }),
      },
    ]);
    expect(run.stdout).toContain(`Replay requested for ${APP_STACK} (now UPDATE_COMPLETE) as a dry run: event ${EVENT_ID} on bus ${BUS}`);
    expect(run.stdout).toContain('Follow it with: db-migrator status\n');
  });

  test('--json prints the request as one JSON line', async () => {
    const run = await cli(['replay', '--stack', APP_STACK, '--json']);

    expect(run.code).toBe(0);
    expect(jsonLines(run)).toEqual([
      { replayRequested: { eventId: EVENT_ID, stackName: APP_STACK, stackId: APP_STACK_ID, stackStatus: 'UPDATE_COMPLETE', dryRun: false } },
    ]);
  });

  test('a stack that is not watched is a usage error, and nothing is published', async () => {
    const run = await cli(['replay', '--stack', 'OtherStack']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stack OtherStack is not watched by this migrator (watched: AppStack, LegacyStack)');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('the migrator stack named instead of a watched one gets the same refusal', async () => {
    const run = await cli(['replay', '--stack', 'db-migrator']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not watched');
  });

  test('a missing migrator stack exits 1 and points at --migrator-stack', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'nope' }).rejects(stackMissing('nope'));

    const run = await cli(['replay', '--stack', APP_STACK, '--migrator-stack', 'nope']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stack nope does not exist in us-east-1');
  });

  test('a watched stack that no longer exists exits 1', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'LegacyStack' }).rejects(stackMissing('LegacyStack'));

    const run = await cli(['replay', '--stack', 'LegacyStack']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: stack LegacyStack does not exist');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('AccessDenied on PutEvents names the bus', async () => {
    events.on(PutEventsCommand).rejects(accessDenied('events:PutEvents'));

    const run = await cli(['replay', '--stack', APP_STACK]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`access denied: events:PutEvents on event bus ${BUS} is not allowed for these credentials`);
  });

  test('AccessDenied on the runner function names the permission', async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(accessDenied('lambda:GetFunctionConfiguration'));

    const run = await cli(['replay', '--stack', APP_STACK]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`may not call lambda:GetFunctionConfiguration on function ${RUNNER}`);
  });

  test('--reason longer than a run record holds is a usage error', async () => {
    const run = await cli(['replay', '--stack', APP_STACK, '--reason', 'x'.repeat(300)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at most 256 fit in the run record');
  });

  describe('--wait', () => {
    test('skips another run that wrote first and prints the result of this request', async () => {
      const other = sampleResult({ trigger: { eventId: 'other-event' } });
      parameterVersions(
        { version: 4, value: JSON.stringify(sampleResult()) }, // before the request
        { version: 4, value: JSON.stringify(sampleResult()) }, // first poll: nothing new
        { version: 6, value: JSON.stringify(replayResult()) }, // 5 (another run) and 6 (ours) arrived together
      );
      ssm.on(GetParameterCommand, { Name: `${PARAMETER}:5` }).resolves({ Parameter: { Version: 5, Value: JSON.stringify(other) } });

      const run = await cli(['replay', '--stack', APP_STACK, '--wait', '--poll', '2']);

      expect(run.code).toBe(0);
      expect(run.stderr).toContain('version 5 is another run\'s result (CLOUDFORMATION, SUCCEEDED); still waiting');
      expect(run.stdout).toContain('status:    SUCCEEDED');
      expect(run.stdout).toContain(`SSM ${PARAMETER} (version 6)`);
    });

    test('--json: the request line, then the run\'s MigrationResult; the exit code is the run\'s', async () => {
      // No result before the request (the parameter does not exist yet), then the run's.
      const failed = replayResult({ status: 'FAILED', reason: 'AUTH_FAILED', message: 'password authentication failed' });
      ssm
        .on(GetParameterCommand, { Name: PARAMETER })
        .rejectsOnce(awsError('ParameterNotFound', ''))
        .resolves({ Parameter: { Name: PARAMETER, Version: 1, Value: JSON.stringify(failed) } });

      const run = await cli(['replay', '--stack', APP_STACK, '--wait', '--json']);

      expect(run.code).toBe(1);
      const [request, result] = jsonLines(run) as [{ replayRequested: unknown }, unknown];
      expect(request.replayRequested).toMatchObject({ eventId: EVENT_ID });
      expect(expectValidResult(result).status).toBe('FAILED');
      expect(run.lines).toHaveLength(2);
    });

    test('times out after --timeout with advice, exit 1', async () => {
      parameterVersions({ version: 3, value: JSON.stringify(sampleResult()) });
      const clock = { now: 0 };

      const run = await cli(['replay', '--stack', APP_STACK, '--wait', '--timeout', '30', '--poll', '5'], { clock });

      expect(run.code).toBe(1);
      expect(clock.now).toBe(30_000);
      expect(run.stderr).toContain('no result after 30 s: parameter');
      expect(run.stderr).toContain('still at version 3');
      expect(run.stderr).toContain('db-migrator doctor');
    });

    test('a malformed new version ends the wait with the schema problems', async () => {
      parameterVersions({ version: 3, value: JSON.stringify(sampleResult()) }, { version: 4, value: '{"status":"SUCCEEDED"}' });

      const run = await cli(['replay', '--stack', APP_STACK, '--wait']);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`version 4 of parameter ${PARAMETER} is not a valid MigrationResult`);
    });

    test('draws a progress indicator on stderr only when it is a terminal', async () => {
      const versions = [
        { version: 3, value: JSON.stringify(sampleResult()) },
        { version: 3, value: JSON.stringify(sampleResult()) },
        { version: 3, value: JSON.stringify(sampleResult()) },
        { version: 4, value: JSON.stringify(replayResult()) },
      ];
      parameterVersions(...versions);
      const tty = await cli(['replay', '--stack', APP_STACK, '--wait', '--poll', '1'], { isTTY: true });
      expect(tty.code).toBe(0);
      expect(tty.stderr).toContain("waiting for the runner's result… 1 s");
      expect(tty.stderr).toContain('\r\x1b[K');
      expect(tty.stdout).not.toContain('waiting');

      ssm.reset();
      parameterVersions(...versions);
      const piped = await cli(['replay', '--stack', APP_STACK, '--wait', '--poll', '1'], { isTTY: false });
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('');
    });
  });

  describe('--from-archive', () => {
    const withArchive = { ...OUTPUTS, ArchiveName: ARCHIVE, MainRuleArn: MAIN_RULE_ARN };
    const archiveArn = `arn:aws:events:${REGION}:${ACCOUNT}:archive/${ARCHIVE}`;

    beforeEach(() => {
      cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack(withArchive));
      events.on(DescribeArchiveCommand, { ArchiveName: ARCHIVE }).resolves({ ArchiveArn: archiveArn, State: 'ENABLED' });
      events.on(StartReplayCommand).resolves({ ReplayArn: 'arn:aws:events:us-east-1:123456789012:replay/r', State: 'STARTING' });
    });

    test('starts a replay of the window to the main rule on the default bus', async () => {
      const run = await cli(['replay', '--stack', APP_STACK, '--from-archive', '--since', '6h']);

      expect(run.code).toBe(0);
      const input = events.commandCalls(StartReplayCommand)[0].args[0].input;
      expect(input).toMatchObject({
        EventSourceArn: archiveArn,
        EventStartTime: new Date('2025-06-02T06:00:00Z'),
        EventEndTime: new Date('2025-06-02T12:00:00Z'),
        Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`, FilterArns: [MAIN_RULE_ARN] },
      });
      expect(input.ReplayName).toBe('db-migrator-AppStack-20250602T120000Z');
      expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
      expect(run.stdout).toContain('Archive replay db-migrator-AppStack-20250602T120000Z STARTING');
    });

    test('a migrator without the ArchiveName output says so', async () => {
      cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack());

      const run = await cli(['replay', '--stack', APP_STACK, '--from-archive', '--since', '1d']);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('stack db-migrator has no output ArchiveName');
      expect(run.stderr).toContain('the deployed migrator predates it');
    });

    test('a missing MainRuleArn output says so too', async () => {
      const { MainRuleArn: _, ...withoutRule } = withArchive;
      cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack(withoutRule));

      const run = await cli(['replay', '--stack', APP_STACK, '--from-archive', '--since', '1d']);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('has no output MainRuleArn');
    });

    test('AccessDenied on StartReplay names the permission', async () => {
      events.on(StartReplayCommand).rejects(accessDenied('events:StartReplay'));

      const run = await cli(['replay', '--stack', APP_STACK, '--from-archive', '--since', '2025-06-01T00:00:00Z']);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`may not call events:StartReplay from archive ${ARCHIVE}`);
    });

    test('the stack must still be watched', async () => {
      const run = await cli(['replay', '--stack', 'OtherStack', '--from-archive', '--since', '1h']);
      expect(run.code).toBe(2);
      expect(events.commandCalls(StartReplayCommand)).toHaveLength(0);
    });

    test.each([
      [['--from-archive'], '--from-archive needs --since'],
      [['--from-archive', '--since', '1h', '--dry-run'], '--dry-run cannot be combined with --from-archive'],
      [['--since', '1h'], '--since and --until only apply with --from-archive'],
      [['--from-archive', '--since', 'yesterday'], 'is neither an ISO-8601 time'],
      [['--from-archive', '--since', '1h', '--until', '2h'], 'must be before --until'],
    ])('usage error: %j', async (args, message) => {
      const run = await cli(['replay', '--stack', APP_STACK, ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });

  test('--help explains which stack is which', async () => {
    const run = await cli(['replay', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--stack names the WATCHED stack');
    expect(run.stdout).toContain('--migrator-stack');
    expect(run.stdout).toContain("runner function's\nWATCHED_STACKS variable");
  });

  test('--stack is required', async () => {
    const run = await cli(['replay']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--stack <name>' not specified");
  });
});
