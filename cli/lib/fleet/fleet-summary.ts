/**
 * The FleetSummary as TypeScript sees it (contracts/fleet-summary.schema.json is the specification): the types of the
 * summary handler that writes it, so the writer and this reader cannot drift apart.
 */
import type { FleetSummary } from '../../../handlers/lib/fleet/summary-types';

export type { FleetFailure, FleetStatus, FleetSummary } from '../../../handlers/lib/fleet/summary-types';

/** The same mapping as a single run's: only FAILED is a failure for the exit code (DESIGN.md "Exit codes"). */
export function fleetExitCode(summary: Pick<FleetSummary, 'status'>): number {
  return summary.status === 'FAILED' ? 1 : 0;
}
