import type { S3Client } from '@aws-sdk/client-s3';
import { CliError } from '../errors';
import type { FleetSummary } from './fleet-summary';
import { readNotMigrated } from './map-results';

/**
 * The ids `fleet replay --failed-only` runs: every target of the last fleet run that FAILED or was SKIPPED,
 * from its ResultWriter output (complete), joined with the summary's list (truncated, but written by the same
 * run). Refuses when there is no run, when the run started no target, or when nothing failed.
 */
export async function failedTargetIds(
  s3: S3Client,
  summary: FleetSummary | undefined,
  parameterName: string,
  region: string | undefined,
): Promise<{ ids: string[]; warnings: string[] }> {
  if (!summary) {
    throw new CliError(`--failed-only: no fleet run recorded yet (parameter ${parameterName} does not exist), so nothing failed to replay`);
  }
  if (!summary.results) {
    throw new CliError(
      `--failed-only: the last fleet run (${summary.status}${summary.reason ? `, ${summary.reason}` : ''}) started no target, ` +
        'so none failed. Replay the whole fleet (without --failed-only)',
    );
  }
  const fromS3 = await readNotMigrated(s3, summary.results, region);
  // Sorted for a stable, readable request: the state machine runs the named targets in manifest order anyway.
  const ids = [...new Set([...summary.failures.map((f) => f.id), ...fromS3.notMigrated.map((t) => t.id)])].sort();
  if (ids.length === 0) {
    throw new CliError(`--failed-only: no target of the last fleet run (${summary.status}) failed or was skipped: nothing to replay`);
  }
  const warnings: string[] = [];
  const expected = summary.counts.failed + summary.counts.skipped;
  if (ids.length < expected) {
    warnings.push(
      `the summary counts ${expected} failed or skipped target(s), the results in S3 name ${ids.length}: only those are replayed`,
    );
  }
  if (summary.counts.notStarted > 0) {
    warnings.push(`${summary.counts.notStarted} target(s) never started in that run; --failed-only does not run them (a full replay does)`);
  }
  return { ids, warnings };
}
