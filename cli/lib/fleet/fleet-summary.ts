/** The FleetSummary as TypeScript sees it; contracts/fleet-summary.schema.json is the specification. */
export type FleetStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'PLANNED';

export interface FleetFailure {
  id: string;
  status: 'FAILED' | 'SKIPPED';
  reason: string | null;
  message: string | null;
}

export interface FleetSummary {
  schemaVersion: 1;
  fleet: string;
  executionArn: string;
  status: FleetStatus;
  reason: string | null;
  message: string;
  dryRun: boolean;
  trigger: { kind: 'stack-status-change' | 'replay'; stackName: string | null; stackStatus: string | null } | null;
  counts: { total: number; succeeded: number; failed: number; skipped: number; planned: number; notStarted: number };
  canary: { size: number; passed: boolean | null } | null;
  tolerance: { count: number | null; percentage: number | null };
  failures: FleetFailure[];
  failuresOmitted: number;
  results: { bucket: string; key: string } | null;
  startedAt: string;
  finishedAt: string;
}

/** The same mapping as a single run's: only FAILED is a failure for the exit code (DESIGN.md "Exit codes"). */
export function fleetExitCode(summary: Pick<FleetSummary, 'status'>): number {
  return summary.status === 'FAILED' ? 1 : 0;
}
