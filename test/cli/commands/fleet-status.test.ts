import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDenied, awsError, migratorStack, MIGRATOR_STACK, OUTPUTS } from '../support/aws-fakes';
import { executionArn, failedSummary, FLEET_OUTPUTS, FLEET_PARAMETER, FLEET_STATE_MACHINE_ARN, sampleSummary } from '../support/fleet-fixtures';
import { cli, jsonLines } from '../support/run-cli';
import { checkFleetSummary } from '../../../cli/lib/fleet/fleet-summary-schema';

const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);

const CONSOLE = 'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/';

beforeEach(() => {
  for (const mock of [cfn, ssm, sfn]) mock.reset();
  cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack({ ...OUTPUTS, ...FLEET_OUTPUTS }));
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
});

function storedSummary(value: unknown, version = 4): void {
  ssm.on(GetParameterCommand, { Name: FLEET_PARAMETER }).resolves({
    Parameter: { Name: FLEET_PARAMETER, Value: typeof value === 'string' ? value : JSON.stringify(value), Version: version, LastModifiedDate: new Date('2025-06-02T10:17:31Z') },
  });
}

function noSummary(): void {
  ssm.on(GetParameterCommand, { Name: FLEET_PARAMETER }).rejects(awsError('ParameterNotFound', 'not found'));
}

function execution(name: string, status: string, startDate: string, stopDate?: string) {
  return {
    executionArn: executionArn(name),
    stateMachineArn: FLEET_STATE_MACHINE_ARN,
    name,
    status: status as never,
    startDate: new Date(startDate),
    ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
  };
}

describe('fleet status', () => {
  test('prints the last run: verdict, counts, canary, tolerance, console link, results and where the summary is', async () => {
    storedSummary(sampleSummary());
    sfn.on(ListExecutionsCommand).resolves({ executions: [execution('run-1', 'SUCCEEDED', '2025-06-02T10:15:00Z', '2025-06-02T10:17:31Z')] });

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('fleet:     tenants (stack db-migrator)');
    expect(run.stdout).toContain('last run:  SUCCEEDED: all 50 targets migrated');
    expect(run.stdout).toContain('trigger:   stack-status-change AppStack UPDATE_COMPLETE');
    expect(run.stdout).toContain('targets:   50 total: 50 succeeded, 0 failed, 0 skipped, 0 planned, 0 not started');
    expect(run.stdout).toContain('canary:    first 5 target(s), passed');
    expect(run.stdout).toContain('tolerance: 0 target(s)');
    expect(run.stdout).toContain('time:      2025-06-02T10:15:00.000Z to 2025-06-02T10:17:30.000Z (2 min 30 s)');
    expect(run.stdout).toContain(`console:   ${CONSOLE}${executionArn('run-1')}`);
    expect(run.stdout).toContain('results:   s3://db-migrator-fleetresults-abc123/results/7f3e/manifest.json');
    expect(run.stdout).toContain(`summary:   SSM ${FLEET_PARAMETER} (version 4, written 2025-06-02T10:17:31.000Z)`);
    expect(run.stdout).toContain('in flight: none');
    expect(sfn.commandCalls(ListExecutionsCommand)[0].args[0].input).toMatchObject({ stateMachineArn: FLEET_STATE_MACHINE_ARN });
  });

  test('a FAILED fleet exits 1 and lists the failed and skipped targets with their reasons, and how many were left out', async () => {
    storedSummary(failedSummary({ failuresOmitted: 12 }));

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('last run:  FAILED (TARGETS_FAILED): 3 of 50 targets did not migrate (tolerated: 0)');
    expect(run.stdout).toContain('not migrated: tenant-007  FAILED   AUTH_FAILED: password authentication failed for the migrator user');
    expect(run.stdout).toContain('              tenant-042  SKIPPED  LOCK_TIMEOUT: another run held the lock for 60 s');
    expect(run.stdout).toContain('… and 12 more, left out to fit the record (fleet replay --failed-only reads them all)');
  });

  test.each([
    ['SKIPPED', 'STACK_IN_PROGRESS', 0],
    ['PLANNED', 'DRY_RUN', 0],
  ] as const)('%s (%s) exits %d, like a single run', async (status, reason, code) => {
    storedSummary(sampleSummary({ status, reason, message: 'x', results: null, canary: { size: 5, passed: null } }));

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(code);
    expect(run.stdout).toContain(`last run:  ${status} (${reason}): x`);
  });

  test('a canary failure says the rest did not start', async () => {
    storedSummary(
      failedSummary({
        reason: 'CANARY_FAILED',
        canary: { size: 5, passed: false },
        counts: { succeeded: 4, failed: 1, skipped: 0, notStarted: 45 },
        failures: [{ id: 'tenant-003', status: 'FAILED', reason: 'CHANGESET_FAILED', message: 'boom' }],
      }),
    );

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('canary:    first 5 target(s), FAILED: the rest did not start');
    expect(run.stdout).toContain('45 not started');
  });

  test('shows the executions in flight with their console links', async () => {
    storedSummary(sampleSummary());
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        execution('run-1', 'SUCCEEDED', '2025-06-02T10:15:00Z', '2025-06-02T10:17:31Z'),
        execution('run-2', 'RUNNING', '2025-06-02T11:00:00Z'),
      ],
    });

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('in flight: run-2 RUNNING since 2025-06-02T11:00:00.000Z');
    expect(run.stdout).toContain(`console: ${CONSOLE}${executionArn('run-2')}`);
  });

  test('an execution that ended ABORTED after the last summary is reported, with its cause, and exits 1', async () => {
    storedSummary(sampleSummary());
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        execution('run-1', 'SUCCEEDED', '2025-06-02T10:15:00Z', '2025-06-02T10:17:31Z'),
        execution('run-2', 'ABORTED', '2025-06-02T11:00:00Z', '2025-06-02T11:02:00Z'),
      ],
    });
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn('run-2') }).resolves({
      executionArn: executionArn('run-2'),
      stateMachineArn: FLEET_STATE_MACHINE_ARN,
      status: 'ABORTED',
      startDate: new Date('2025-06-02T11:00:00Z'),
      error: 'db-migrator.FleetStopped',
      cause: 'stopped by db-migrator fleet stop: bad changeset\nmore',
    });

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('LATEST:    execution run-2 ended ABORTED at 2025-06-02T11:02:00.000Z without a summary (the run above is an earlier one)');
    expect(run.stdout).toContain('db-migrator.FleetStopped: stopped by db-migrator fleet stop: bad changeset');
    expect(run.stdout).not.toContain('more');
  });

  test('an older abnormal execution than the summary is history, not news', async () => {
    storedSummary(sampleSummary());
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        execution('run-1', 'SUCCEEDED', '2025-06-02T10:15:00Z', '2025-06-02T10:17:31Z'),
        execution('run-0', 'FAILED', '2025-06-01T10:00:00Z', '2025-06-01T10:01:00Z'),
      ],
    });

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('LATEST');
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  test('--json prints one line: the summary, the console link and the executions in flight', async () => {
    const summary = failedSummary();
    storedSummary(summary);
    sfn.on(ListExecutionsCommand).resolves({ executions: [execution('run-2', 'RUNNING', '2025-06-02T11:00:00Z')] });

    const run = await cli(['fleet', 'status', '--json']);

    expect(run.code).toBe(1);
    const [line, ...rest] = jsonLines(run) as Record<string, unknown>[];
    expect(rest).toEqual([]);
    expect(checkFleetSummary(line.summary).ok).toBe(true);
    expect(line).toMatchObject({
      summary,
      summaryVersion: 4,
      consoleUrl: `${CONSOLE}${summary.executionArn}`,
      inFlight: [{ name: 'run-2', status: 'RUNNING', consoleUrl: `${CONSOLE}${executionArn('run-2')}` }],
      endedWithoutSummary: null,
    });
  });

  test('no summary yet but a run in flight: exit 0 and the run is shown', async () => {
    noSummary();
    sfn.on(ListExecutionsCommand).resolves({ executions: [execution('run-1', 'RUNNING', '2025-06-02T10:15:00Z')] });

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no fleet run has finished yet');
    expect(run.stdout).toContain('in flight: run-1 RUNNING');
  });

  test('nothing recorded and nothing running is an error that says how to start a run', async () => {
    noSummary();

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: no fleet run recorded yet: parameter .* does not exist/);
    expect(run.stderr).toContain('db-migrator fleet replay --stack <watched stack>');
  });

  test('a hand-edited summary is refused with the schema problems, not misread', async () => {
    storedSummary({ ...sampleSummary(), status: 'GREAT' });

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`version 4 of parameter ${FLEET_PARAMETER} is not a valid FleetSummary`);
    expect(run.stderr).toContain('/status must be one of "SUCCEEDED", "FAILED", "SKIPPED", "PLANNED"');
  });

  test('a stack without the fleet outputs is named, with what to do', async () => {
    cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack(OUTPUTS));

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stack db-migrator has no output FleetStateMachineArn');
    expect(run.stderr).toContain('DatabaseFleetMigrator');
  });

  test('access denied on ListExecutions names the permission', async () => {
    storedSummary(sampleSummary());
    sfn.on(ListExecutionsCommand).rejects(accessDenied('states:ListExecutions'));

    const run = await cli(['fleet', 'status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`access denied: these credentials may not call states:ListExecutions on state machine ${FLEET_STATE_MACHINE_ARN} in us-east-1`);
  });
});
