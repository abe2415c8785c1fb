import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  ListExecutionsCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsCall } from '../aws-errors';

/** One execution of the fleet state machine, as the fleet commands show it. */
export interface FleetExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly consoleUrl: string;
}

/** Ended without a verdict of its own: the state machine failed, timed out or was stopped. */
export const ABNORMAL_END = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * The Step Functions console page of one execution. The region is the execution ARN's own, so the link is
 * right whatever --region the command ran with.
 */
export function executionConsoleUrl(executionArn: string): string {
  const [, partition, , region] = executionArn.split(':');
  const host = partition === 'aws-cn' ? `${region}.console.amazonaws.cn` : partition === 'aws-us-gov' ? `console.amazonaws-us-gov.com` : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function toExecution(item: ExecutionListItem): FleetExecution {
  const executionArn = item.executionArn ?? '';
  return {
    executionArn,
    name: item.name ?? executionArn.split(':').pop() ?? '',
    status: item.status ?? 'UNKNOWN',
    startedAt: item.startDate ? item.startDate.toISOString() : null,
    stoppedAt: item.stopDate ? item.stopDate.toISOString() : null,
    consoleUrl: executionConsoleUrl(executionArn),
  };
}

/**
 * The state machine's most recent executions, newest first. Step Functions lists newest first already; the
 * sort keeps that true for any implementation of the API.
 */
export async function recentExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  region: string | undefined,
  options: { status?: 'RUNNING'; max?: number } = {},
): Promise<FleetExecution[]> {
  const response = await awsCall(`states:ListExecutions on state machine ${stateMachineArn}`, region, () =>
    sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: options.status, maxResults: options.max ?? 20 })),
  );
  return (response.executions ?? [])
    .filter((item) => item.executionArn)
    .map(toExecution)
    .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}

/** Every running execution, page by page: a stop must not miss one on a second page. */
export async function runningExecutions(sfn: SFNClient, stateMachineArn: string, region: string | undefined): Promise<FleetExecution[]> {
  const running: FleetExecution[] = [];
  let nextToken: string | undefined;
  do {
    const response = await awsCall(`states:ListExecutions on state machine ${stateMachineArn}`, region, () =>
      sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100, nextToken })),
    );
    running.push(...(response.executions ?? []).filter((item) => item.executionArn).map(toExecution));
    nextToken = response.nextToken;
  } while (nextToken);
  return running;
}

export interface ExecutionDetail {
  readonly status: string;
  readonly input: string | undefined;
  readonly error: string | undefined;
  readonly cause: string | undefined;
}

export async function describeExecution(sfn: SFNClient, executionArn: string, region: string | undefined): Promise<ExecutionDetail> {
  const response = await awsCall(`states:DescribeExecution on execution ${executionArn}`, region, () =>
    sfn.send(new DescribeExecutionCommand({ executionArn })),
  );
  return { status: response.status ?? 'UNKNOWN', input: response.input, error: response.error, cause: response.cause };
}

/** Stops one execution; `cause` says who asked and why, in the execution's history. */
export async function stopExecution(sfn: SFNClient, executionArn: string, region: string | undefined, cause: string): Promise<Date | undefined> {
  const response = await awsCall(`states:StopExecution on execution ${executionArn}`, region, () =>
    sfn.send(new StopExecutionCommand({ executionArn, error: 'db-migrator.FleetStopped', cause })),
  );
  return response.stopDate;
}
