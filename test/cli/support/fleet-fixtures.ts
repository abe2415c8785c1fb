import { checkFleetSummary } from '../../../cli/lib/fleet/fleet-summary-schema';
import type { FleetSummary } from '../../../cli/lib/fleet/fleet-summary';
import { ACCOUNT, REGION } from './results';

export const FLEET_STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:TenantsFleet-AbC123`;
export const FLEET_PARAMETER = '/db-migrator/db-migrator/fleet/tenants/last-result';
export const FLEET_MANIFEST_BUCKET = 'db-migrator-fleetmanifest-abc123';
export const FLEET_RESULTS_BUCKET = 'db-migrator-fleetresults-abc123';
export const FLEET_BUS = 'db-migrator';

export const FLEET_OUTPUTS: Record<string, string> = {
  FleetStateMachineArn: FLEET_STATE_MACHINE_ARN,
  FleetResultParameterName: FLEET_PARAMETER,
  FleetManifestBucketName: FLEET_MANIFEST_BUCKET,
  FleetManifestKey: 'fleet/manifest.json',
  FleetResultsBucketName: FLEET_RESULTS_BUCKET,
  EventBusName: FLEET_BUS,
};

export function executionArn(name: string, stateMachineArn = FLEET_STATE_MACHINE_ARN): string {
  const [prefix, machine] = stateMachineArn.split(':stateMachine:');
  return `${prefix}:execution:${machine}:${name}`;
}

type Overrides = Partial<Omit<FleetSummary, 'counts'>> & { counts?: Partial<FleetSummary['counts']> };

/** A FleetSummary as the state machine writes it, checked against the schema before any test uses it. */
export function sampleSummary(overrides: Overrides = {}): FleetSummary {
  const summary: FleetSummary = {
    schemaVersion: 1,
    fleet: 'tenants',
    executionArn: executionArn('run-1'),
    status: 'SUCCEEDED',
    reason: null,
    message: 'all 50 targets migrated',
    dryRun: false,
    trigger: { kind: 'stack-status-change', stackName: 'AppStack', stackStatus: 'UPDATE_COMPLETE' },
    canary: { size: 5, passed: true },
    tolerance: { count: 0, percentage: null },
    failures: [],
    failuresOmitted: 0,
    results: { bucket: FLEET_RESULTS_BUCKET, key: 'results/7f3e/manifest.json' },
    startedAt: '2025-06-02T10:15:00.000Z',
    finishedAt: '2025-06-02T10:17:30.000Z',
    ...overrides,
    counts: { total: 50, succeeded: 50, failed: 0, skipped: 0, planned: 0, notStarted: 0, ...overrides.counts },
  };
  const check = checkFleetSummary(summary);
  if (!check.ok) throw new Error(`test fixture is not a valid FleetSummary: ${check.errors.join('; ')}`);
  return summary;
}

export function failedSummary(overrides: Overrides = {}): FleetSummary {
  return sampleSummary({
    status: 'FAILED',
    reason: 'TARGETS_FAILED',
    message: '3 of 50 targets did not migrate (tolerated: 0)',
    counts: { succeeded: 47, failed: 2, skipped: 1 },
    failures: [
      { id: 'tenant-007', status: 'FAILED', reason: 'AUTH_FAILED', message: 'password authentication failed for the migrator user' },
      { id: 'tenant-019', status: 'FAILED', reason: 'CHANGESET_FAILED', message: 'changeset 002-users failed: relation "users" already exists' },
      { id: 'tenant-042', status: 'SKIPPED', reason: 'LOCK_TIMEOUT', message: 'another run held the lock for 60 s' },
    ],
    ...overrides,
  });
}

/** One record of a ResultWriter results file in its default shape (Transformation NONE). */
export function childRecord(targetId: string, outcome: { status: 'SUCCEEDED' | 'FAILED'; output?: unknown; error?: string; cause?: string }) {
  const input = { targetId, dryRun: false, runId: 'run-1', trigger: { kind: 'stack-status-change', stackName: 'AppStack', stackStatus: 'UPDATE_COMPLETE' } };
  return {
    ExecutionArn: `${executionArn('run-1')}:${targetId}`,
    Input: JSON.stringify(input),
    InputDetails: { Included: true },
    Name: targetId,
    ...(outcome.status === 'SUCCEEDED'
      ? { Output: JSON.stringify(outcome.output ?? {}), OutputDetails: { Included: true } }
      : { Error: outcome.error ?? 'States.TaskFailed', Cause: outcome.cause ?? '' }),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: '2025-06-02T10:15:10.000Z',
    StateMachineArn: `${FLEET_STATE_MACHINE_ARN}/Rest`,
    Status: outcome.status,
    StopDate: '2025-06-02T10:15:20.000Z',
  };
}

/** The ResultWriter's manifest.json for one Map run. */
export function resultsManifest(keys: { SUCCEEDED?: string[]; FAILED?: string[]; PENDING?: string[] }, bucket = FLEET_RESULTS_BUCKET) {
  const files = (list: string[] = []) => list.map((Key) => ({ Key, Size: 1000 }));
  return {
    DestinationBucket: bucket,
    MapRunArn: `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:TenantsFleet-AbC123/Rest:7f3e`,
    ResultFiles: { FAILED: files(keys.FAILED), PENDING: files(keys.PENDING), SUCCEEDED: files(keys.SUCCEEDED) },
  };
}
