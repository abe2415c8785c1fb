import { formatDuration } from '../result-summary';
import type { FleetStatusView } from './fleet-status-view';
import type { FleetSummary } from './fleet-summary';

const INDENT = '           ';

function trigger(summary: FleetSummary): string {
  const t = summary.trigger;
  const what = t ? [t.kind, t.stackName, t.stackStatus].filter(Boolean).join(' ') : 'unknown (the trigger could not be read)';
  return `${what}${summary.dryRun ? ' (dry run)' : ''}`;
}

function counts(summary: FleetSummary): string {
  const c = summary.counts;
  return `${c.total} total: ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.planned} planned, ${c.notStarted} not started`;
}

function canary(summary: FleetSummary): string | undefined {
  if (!summary.canary) return undefined;
  const outcome = summary.canary.passed === null ? 'did not run' : summary.canary.passed ? 'passed' : 'FAILED: the rest did not start';
  return `first ${summary.canary.size} target(s), ${outcome}`;
}

function tolerance(summary: FleetSummary): string {
  const { count, percentage } = summary.tolerance;
  const parts = [count !== null ? `${count} target(s)` : undefined, percentage !== null ? `${percentage}%` : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(' or ') : 'none';
}

function failures(summary: FleetSummary): string[] {
  if (summary.failures.length === 0) return [];
  const width = Math.max(...summary.failures.map((f) => f.id.length));
  const lines = summary.failures.map(
    (f, i) =>
      `${i === 0 ? 'not migrated: ' : `${INDENT}   `}${f.id.padEnd(width)}  ${f.status.padEnd(7)}  ${f.reason ?? '-'}${f.message ? `: ${f.message}` : ''}`,
  );
  if (summary.failuresOmitted > 0) {
    lines.push(`${INDENT}   … and ${summary.failuresOmitted} more, left out to fit the record (fleet replay --failed-only reads them all)`);
  }
  return lines;
}

/** A few lines for a person: the last fleet run's verdict, counts, failures and links, then what is in flight. */
export function formatFleetStatus(view: FleetStatusView): string {
  const lines: string[] = [];
  const { summary } = view;
  if (summary) {
    const took = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
    lines.push(
      `fleet:     ${summary.fleet} (stack ${view.stackName})`,
      `last run:  ${summary.status}${summary.reason ? ` (${summary.reason})` : ''}: ${summary.message}`,
      `trigger:   ${trigger(summary)}`,
      `targets:   ${counts(summary)}`,
    );
    const wave = canary(summary);
    if (wave) lines.push(`canary:    ${wave}`);
    lines.push(`tolerance: ${tolerance(summary)}`);
    lines.push(...failures(summary));
    lines.push(
      `time:      ${summary.startedAt} to ${summary.finishedAt}${Number.isFinite(took) && took >= 0 ? ` (${formatDuration(took)})` : ''}`,
      `execution: ${summary.executionArn}`,
      `console:   ${view.consoleUrl}`,
    );
    if (summary.results) lines.push(`results:   s3://${summary.results.bucket}/${summary.results.key}`);
    lines.push(`summary:   SSM ${view.resultParameterName} (version ${view.summaryVersion}${view.summaryWrittenAt ? `, written ${view.summaryWrittenAt}` : ''})`);
  } else {
    lines.push(`fleet:     stack ${view.stackName}: no fleet run has finished yet (SSM ${view.resultParameterName} does not exist)`);
  }
  const ended = view.endedWithoutSummary;
  if (ended) {
    lines.push(
      `LATEST:    execution ${ended.name} ended ${ended.status} at ${ended.stoppedAt ?? 'an unknown time'} without a summary` +
        `${summary ? ' (the run above is an earlier one)' : ''}`,
    );
    if (ended.error || ended.cause) lines.push(`${INDENT}${[ended.error, ended.cause].filter(Boolean).join(': ')}`);
    lines.push(`${INDENT}console: ${ended.consoleUrl}`);
  }
  if (view.inFlight.length === 0) {
    lines.push('in flight: none');
  } else {
    view.inFlight.forEach((execution, i) =>
      lines.push(`${i === 0 ? 'in flight: ' : INDENT}${execution.name} RUNNING since ${execution.startedAt ?? 'unknown'}`, `${INDENT}console: ${execution.consoleUrl}`),
    );
  }
  return lines.join('\n');
}
