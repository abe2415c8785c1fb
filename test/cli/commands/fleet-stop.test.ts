import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDenied, migratorStack, MIGRATOR_STACK, OUTPUTS } from '../support/aws-fakes';
import { executionArn, FLEET_OUTPUTS, FLEET_STATE_MACHINE_ARN } from '../support/fleet-fixtures';
import { cli, jsonLines } from '../support/run-cli';

const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);

const running = (name: string) => ({
  executionArn: executionArn(name),
  stateMachineArn: FLEET_STATE_MACHINE_ARN,
  name,
  status: 'RUNNING' as const,
  startDate: new Date('2025-06-02T11:00:00Z'),
});

beforeEach(() => {
  cfn.reset();
  sfn.reset();
  cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack({ ...OUTPUTS, ...FLEET_OUTPUTS }));
  sfn.on(StopExecutionCommand).resolves({ stopDate: new Date('2025-06-02T11:05:00Z') });
});

describe('fleet stop', () => {
  test('stops every running execution, on every page, with the reason as the cause', async () => {
    sfn
      .on(ListExecutionsCommand, { stateMachineArn: FLEET_STATE_MACHINE_ARN, statusFilter: 'RUNNING', nextToken: undefined })
      .resolves({ executions: [running('deploy-1')], nextToken: 'page-2' })
      .on(ListExecutionsCommand, { stateMachineArn: FLEET_STATE_MACHINE_ARN, statusFilter: 'RUNNING', nextToken: 'page-2' })
      .resolves({ executions: [running('replay-2')] });

    const run = await cli(['fleet', 'stop', '--reason', 'bad changeset 042']);

    expect(run.code).toBe(0);
    const stops = sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input);
    expect(stops).toEqual([
      { executionArn: executionArn('deploy-1'), error: 'db-migrator.FleetStopped', cause: 'stopped by db-migrator fleet stop: bad changeset 042' },
      { executionArn: executionArn('replay-2'), error: 'db-migrator.FleetStopped', cause: 'stopped by db-migrator fleet stop: bad changeset 042' },
    ]);
    expect(run.stdout).toContain(`stopped deploy-1 (running since 2025-06-02T11:00:00.000Z): https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${executionArn('deploy-1')}`);
    expect(run.stdout).toContain('Targets already started finish their run; no other target starts.');
  });

  test('--json prints one line with the stopped executions', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [running('deploy-1')] });

    const run = await cli(['fleet', 'stop', '--json']);

    expect(run.code).toBe(0);
    expect(jsonLines(run)).toEqual([
      {
        stopped: [
          {
            executionArn: executionArn('deploy-1'),
            name: 'deploy-1',
            stoppedAt: '2025-06-02T11:05:00.000Z',
            consoleUrl: `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${executionArn('deploy-1')}`,
          },
        ],
      },
    ]);
    expect(sfn.commandCalls(StopExecutionCommand)[0].args[0].input.cause).toBe('stopped by db-migrator fleet stop');
  });

  test('nothing running: nothing stopped, exit 0', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });

    const run = await cli(['fleet', 'stop']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`nothing to stop: no execution of ${FLEET_STATE_MACHINE_ARN} is running`);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  test('access denied on StopExecution names the permission and exits 1', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [running('deploy-1')] });
    sfn.on(StopExecutionCommand).rejects(accessDenied('states:StopExecution'));

    const run = await cli(['fleet', 'stop']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`may not call states:StopExecution on execution ${executionArn('deploy-1')}`);
  });

  test('a reason too long for the records is a usage error, before any AWS call', async () => {
    const run = await cli(['fleet', 'stop', '--reason', 'x'.repeat(300)]);

    expect(run.code).toBe(2);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
