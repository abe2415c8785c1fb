import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { CliError } from '../errors';
import { readParameter } from '../result-parameter';
import { ABNORMAL_END, describeExecution, type FleetExecution, recentExecutions } from './fleet-executions';
import { decodeSummary, type StoredSummary } from './fleet-result-parameter';

export interface FleetWaitOptions {
  readonly sfn: SFNClient;
  readonly ssm: SSMClient;
  readonly stateMachineArn: string;
  readonly parameterName: string;
  readonly region: string | undefined;
  /** The replay request's event id: EventBridge hands the whole event, id included, to the execution as input. */
  readonly eventId: string;
  /** When the request was published (ms); executions started well before it cannot be its own. */
  readonly publishedAt: number;
  /** The parameter's version before the request; 0 when it did not exist. */
  readonly afterVersion: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onPoll?: (elapsedMs: number) => void;
  readonly onExecution?: (execution: FleetExecution) => void;
  readonly onOtherRun?: (stored: StoredSummary) => void;
}

/** Clocks differ between this machine and AWS; an execution this much older than the request may still be its own. */
const CLOCK_SKEW_MS = 5 * 60_000;

function inputEventId(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '') as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits for the summary of the execution that this replay request started. The execution is found by the event
 * id in its input; the summary by its executionArn, so a deploy's run (or someone else's replay) that writes
 * the parameter first is never taken for this one. An execution that ends without a summary ends the wait at once.
 */
export async function waitForFleetRun(options: FleetWaitOptions): Promise<{ stored: StoredSummary; execution: FleetExecution }> {
  const { sfn, ssm, parameterName, region } = options;
  const started = options.now();
  const notOurs = new Set<string>();
  let execution: FleetExecution | undefined;
  let seen = options.afterVersion;
  let endedChecks = 0;
  for (;;) {
    if (!execution) {
      for (const candidate of await recentExecutions(sfn, options.stateMachineArn, region)) {
        if (notOurs.has(candidate.executionArn)) continue;
        if (candidate.startedAt && Date.parse(candidate.startedAt) < options.publishedAt - CLOCK_SKEW_MS) continue;
        const detail = await describeExecution(sfn, candidate.executionArn, region);
        if (inputEventId(detail.input) === options.eventId) {
          execution = candidate;
          options.onExecution?.(candidate);
          break;
        }
        notOurs.add(candidate.executionArn);
      }
    }
    if (execution) {
      const latest = await readParameter(ssm, parameterName, region);
      if (latest && latest.version > seen) {
        // Versions written between two polls are read one by one, so a quick later run cannot hide ours.
        for (let version = seen + 1; version <= latest.version; version++) {
          const stored = version === latest.version ? latest : await readParameter(ssm, parameterName, region, version);
          if (!stored) continue;
          const decoded = decodeSummary(parameterName, stored);
          if (decoded.summary.executionArn === execution.executionArn) return { stored: decoded, execution };
          options.onOtherRun?.(decoded);
        }
        seen = latest.version;
      }
      const detail = await describeExecution(sfn, execution.executionArn, region);
      if (ABNORMAL_END.has(detail.status)) {
        throw new CliError(
          `execution ${execution.name} ended ${detail.status} without a fleet summary` +
            `${detail.error || detail.cause ? ` (${[detail.error, detail.cause?.split('\n')[0]].filter(Boolean).join(': ')})` : ''}. ` +
            `See ${execution.consoleUrl}`,
        );
      }
      // The summary is written before the execution ends; one more read covers a write between the two calls.
      if (detail.status === 'SUCCEEDED' && ++endedChecks > 1) {
        throw new CliError(
          `execution ${execution.name} SUCCEEDED but parameter ${parameterName} holds no summary of it. ` +
            `See ${execution.consoleUrl}`,
        );
      }
      if (detail.status === 'SUCCEEDED') continue;
    }
    const elapsed = options.now() - started;
    if (elapsed >= options.timeoutMs) {
      const where = execution
        ? `execution ${execution.name} is still running: follow it at ${execution.consoleUrl}, or with \`db-migrator fleet status\``
        : `no execution of ${options.stateMachineArn} carries the request's event ${options.eventId}: check that the ` +
          'fleet replay rule on the bus targets the state machine, and the rule\'s FailedInvocations metric in CloudWatch';
      throw new CliError(`no fleet summary after ${Math.round(options.timeoutMs / 1000)} s: ${where}`);
    }
    options.onPoll?.(elapsed);
    await options.sleep(Math.min(options.pollMs, options.timeoutMs - elapsed));
  }
}
