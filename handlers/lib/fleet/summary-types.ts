/** What the state machine's Summarize step sends: the verdict it decided, and where the waves' results are. */
export interface SummaryRequest {
  readonly fleet: string;
  readonly executionArn: string;
  readonly startedAt: string;
  readonly canarySize: number;
  readonly tolerance: { readonly count: number | null; readonly percentage: number | null };
  readonly state: {
    readonly gate?: GateOutput;
    readonly verdict: { readonly status: FleetStatus; readonly reason: string | null };
  };
}

export type FleetStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'PLANNED';

/** The gate's output, as the fleet contract defines it (only the fields the summary reads). */
export interface GateOutput {
  readonly migrate?: boolean;
  readonly dryRun?: boolean;
  readonly runId?: string;
  readonly trigger?: { kind: 'stack-status-change' | 'replay'; stackName: string | null; stackStatus: string | null } | null;
  readonly targetIds?: string[] | null;
}

export interface FleetFailure {
  readonly id: string;
  readonly status: 'FAILED' | 'SKIPPED';
  readonly reason: string | null;
  readonly message: string | null;
}

/** contracts/fleet-summary.schema.json */
export interface FleetSummary {
  schemaVersion: 1;
  fleet: string;
  executionArn: string;
  status: FleetStatus;
  reason: string | null;
  message: string;
  dryRun: boolean;
  trigger: GateOutput['trigger'] | null;
  counts: { total: number; succeeded: number; failed: number; skipped: number; planned: number; notStarted: number };
  canary: { size: number; passed: boolean | null } | null;
  tolerance: { count: number | null; percentage: number | null };
  failures: FleetFailure[];
  failuresOmitted: number;
  results: { bucket: string; key: string } | null;
  startedAt: string;
  finishedAt: string;
}

/** One record of a ResultWriter result file (FAILED_n.json, PENDING_n.json, SUCCEEDED_n.json), as AWS documents it. */
export interface ChildExecutionRecord {
  readonly Input?: string;
  readonly Output?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly Status?: string;
}

/** The ResultWriter's manifest.json. */
export interface ResultWriterManifest {
  readonly DestinationBucket?: string;
  readonly MapRunArn?: string;
  readonly ResultFiles?: Partial<Record<'FAILED' | 'PENDING' | 'SUCCEEDED', Array<{ Key: string; Size?: number }>>>;
}

/** The reads the summary needs, so that tests can give them without AWS. */
export interface SummarySources {
  readJson(bucket: string, key: string): Promise<unknown>;
  /** The ARNs of the map runs the execution started (Distributed Map runs, labelled Canary and Rest). */
  listMapRuns(executionArn: string): Promise<string[]>;
}

export interface SummaryConfig {
  readonly manifestBucket: string;
  readonly manifestKey: string;
  readonly resultsBucket: string;
  readonly resultsPrefix: string;
}
