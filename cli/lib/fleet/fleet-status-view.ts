import type { AwsClients } from '../aws-clients';
import { CliError } from '../errors';
import type { MigratorStack } from '../stack-outputs';
import { ABNORMAL_END, describeExecution, executionConsoleUrl, type FleetExecution, recentExecutions } from './fleet-executions';
import { readSummary } from './fleet-result-parameter';
import { requireFleetOutput } from './fleet-stack';
import { fleetExitCode, type FleetSummary } from './fleet-summary';

/** An execution that ended FAILED, TIMED_OUT or ABORTED after the last summary, so it wrote none. */
export interface UnsummarizedExecution extends FleetExecution {
  readonly error: string | null;
  readonly cause: string | null;
}

/** Everything `fleet status` shows; also its --json line. */
export interface FleetStatusView {
  readonly stackName: string;
  readonly stateMachineArn: string;
  readonly resultParameterName: string;
  readonly summary: FleetSummary | null;
  readonly summaryVersion: number | null;
  readonly summaryWrittenAt: string | null;
  /** The console page of the execution that wrote the summary. */
  readonly consoleUrl: string | null;
  readonly inFlight: FleetExecution[];
  readonly endedWithoutSummary: UnsummarizedExecution | null;
}

/** Causes can be long stack traces; the first line says what happened. */
function firstLine(text: string | undefined): string | null {
  if (!text) return null;
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export async function readFleetStatus(clients: AwsClients, stack: MigratorStack): Promise<FleetStatusView> {
  const stateMachineArn = requireFleetOutput(stack, 'FleetStateMachineArn');
  const resultParameterName = requireFleetOutput(stack, 'FleetResultParameterName');
  const stored = await readSummary(clients.ssm, resultParameterName, stack.region);
  const recent = await recentExecutions(clients.sfn, stateMachineArn, stack.region);
  const summary = stored?.summary ?? null;
  const inFlight = recent.filter((execution) => execution.status === 'RUNNING');
  const lastEnded = recent.find((execution) => execution.status !== 'RUNNING');
  let endedWithoutSummary: UnsummarizedExecution | null = null;
  if (
    lastEnded &&
    ABNORMAL_END.has(lastEnded.status) &&
    lastEnded.executionArn !== summary?.executionArn &&
    (summary === null || (lastEnded.startedAt ?? '') > summary.startedAt)
  ) {
    const detail = await describeExecution(clients.sfn, lastEnded.executionArn, stack.region);
    endedWithoutSummary = { ...lastEnded, error: detail.error ?? null, cause: firstLine(detail.cause) };
  }
  return {
    stackName: stack.stackName,
    stateMachineArn,
    resultParameterName,
    summary,
    summaryVersion: stored?.version ?? null,
    summaryWrittenAt: stored?.modifiedAt ? stored.modifiedAt.toISOString() : null,
    consoleUrl: summary ? executionConsoleUrl(summary.executionArn) : null,
    inFlight,
    endedWithoutSummary,
  };
}

/**
 * 1 when the last fleet run FAILED, or its execution ended without a verdict; 0 for SUCCEEDED, SKIPPED and
 * PLANNED, and while the first run is still in flight. Nothing at all recorded is an error (exit 1), as for
 * `status`.
 */
export function fleetStatusExitCode(view: FleetStatusView): number {
  if (view.endedWithoutSummary) return 1;
  if (view.summary) return fleetExitCode(view.summary);
  if (view.inFlight.length > 0) return 0;
  throw new CliError(
    `no fleet run recorded yet: parameter ${view.resultParameterName} does not exist and state machine ` +
      `${view.stateMachineArn} has no execution. A deploy of a watched stack starts one, or ` +
      '`db-migrator fleet replay --stack <watched stack>`',
  );
}
