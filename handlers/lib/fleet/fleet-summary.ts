import type {
  ChildExecutionRecord,
  FleetFailure,
  FleetSummary,
  ResultWriterManifest,
  SummaryConfig,
  SummaryRequest,
  SummarySources,
} from './summary-types';

/** The SSM Standard tier's limit, which the serialised summary must fit: the list is truncated, never the counts. */
export const SUMMARY_MAX_BYTES = 4096;
const MESSAGE_MAX_CHARS = 200;

/** The item processor's error names (infra/fleet/fleet-definition.ts), and what each says about the target. */
const SKIPPED_ERROR = 'TargetSkipped';
const RESULT_ERRORS = new Set(['TargetFailed', SKIPPED_ERROR]);

type Wave = 'canary' | 'rest';

interface WaveResults {
  readonly manifestKey: string;
  readonly failed: ChildExecutionRecord[];
  readonly pending: ChildExecutionRecord[];
}

/**
 * Builds the FleetSummary of one execution: the verdict the state machine decided, the counts by status, and the
 * targets that did not migrate with their reasons, from the manifest and the Distributed Map's ResultWriter files.
 */
export async function summarizeFleet(
  request: SummaryRequest,
  config: SummaryConfig,
  sources: SummarySources,
  now: Date = new Date(),
): Promise<FleetSummary> {
  const { gate, verdict } = request.state;
  const ids = await manifestIds(config, sources);
  const selected = selectedIds(ids, gate?.targetIds ?? null);
  const waves = await waveResults(request.executionArn, config, sources);

  const failures = new Map<string, FleetFailure>();
  const pending = new Set<string>();
  for (const wave of ['canary', 'rest'] as const) {
    for (const record of waves[wave]?.failed ?? []) {
      const failure = failureOf(record);
      if (failure && !failures.has(failure.id)) failures.set(failure.id, failure);
    }
    for (const record of waves[wave]?.pending ?? []) {
      const id = targetIdOf(record);
      if (id) pending.add(id);
    }
  }

  // The targets a wave reached: the canary is the manifest's first `canarySize`, the rest wave all the others.
  const reached = new Set<string>();
  ids.forEach((id, index) => {
    if (!selected.has(id)) return;
    const wave: Wave = index < request.canarySize ? 'canary' : 'rest';
    if (waves[wave] && !pending.has(id)) reached.add(id);
  });
  for (const id of failures.keys()) reached.add(id);

  const failed = [...failures.values()].filter((f) => f.status === 'FAILED').length;
  const skipped = failures.size - failed;
  const migrated = reached.size - failures.size;
  const dryRun = gate?.dryRun === true;
  const total = Math.max(ids.length, reached.size);
  const counts = {
    total,
    succeeded: dryRun ? 0 : migrated,
    failed,
    skipped,
    planned: dryRun ? migrated : 0,
    notStarted: total - reached.size,
  };

  const order = new Map(ids.map((id, index) => [id, index]));
  const listed = [...failures.values()].sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
  const resultsWave = waves.rest ?? waves.canary;
  const summary: FleetSummary = {
    schemaVersion: 1,
    fleet: request.fleet,
    executionArn: request.executionArn,
    status: verdict.status,
    reason: verdict.status === 'SUCCEEDED' ? null : verdict.reason ?? 'INTERNAL',
    message: '',
    dryRun,
    trigger: gate?.trigger ?? null,
    counts,
    canary:
      request.canarySize > 0
        ? { size: request.canarySize, passed: verdict.reason === 'CANARY_FAILED' ? false : waves.canary ? true : null }
        : null,
    tolerance: { count: request.tolerance.count, percentage: request.tolerance.percentage },
    failures: [],
    failuresOmitted: 0,
    results: resultsWave ? { bucket: config.resultsBucket, key: resultsWave.manifestKey } : null,
    startedAt: new Date(request.startedAt).toISOString(),
    finishedAt: now.toISOString(),
  };
  summary.message = messageOf(summary);
  return fitFailures(summary, listed);
}

/** Adds failures in manifest order while the serialised summary stays within SUMMARY_MAX_BYTES. */
export function fitFailures(summary: FleetSummary, failures: FleetFailure[]): FleetSummary {
  const size = (s: FleetSummary) => Buffer.byteLength(JSON.stringify(s), 'utf8');
  const result = { ...summary, failures: [] as FleetFailure[], failuresOmitted: failures.length };
  for (const failure of failures) {
    const candidate = { ...result, failures: [...result.failures, failure], failuresOmitted: result.failuresOmitted - 1 };
    if (size(candidate) > SUMMARY_MAX_BYTES) break;
    result.failures = candidate.failures;
    result.failuresOmitted = candidate.failuresOmitted;
  }
  return result;
}

function messageOf(s: FleetSummary): string {
  const c = s.counts;
  const tally = `${c.succeeded + c.planned} of ${c.total} targets ${s.dryRun ? 'planned' : 'migrated'}, ${c.failed} failed, ${c.skipped} skipped, ${c.notStarted} not started`;
  switch (s.reason) {
    case null:
      return `Fleet ${s.fleet} migrated: ${tally}.`;
    case 'DRY_RUN':
      return `Fleet ${s.fleet} dry run: ${tally}; nothing was applied.`;
    case 'CANARY_FAILED':
      return `Fleet ${s.fleet} FAILED in its canary wave, so the rest never started: ${tally}.`;
    case 'TARGETS_FAILED':
      return `Fleet ${s.fleet} FAILED: more targets did not migrate than tolerated: ${tally}.`;
    case 'MANIFEST_INVALID':
      return `Fleet ${s.fleet} FAILED: its manifest could not be read as a JSON array of targets.`;
    default:
      return s.status === 'SKIPPED'
        ? `Fleet ${s.fleet} skipped by the stack gate (${s.reason}): no target ran.`
        : `Fleet ${s.fleet} FAILED (${s.reason}): ${tally}.`;
  }
}

async function manifestIds(config: SummaryConfig, sources: SummarySources): Promise<string[]> {
  let manifest: unknown;
  try {
    manifest = await sources.readJson(config.manifestBucket, config.manifestKey);
  } catch {
    // An unreadable manifest is the verdict's business (MANIFEST_INVALID); the counts then come from the results.
    return [];
  }
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((entry) => (entry && typeof entry.id === 'string' ? [entry.id] : []));
}

function selectedIds(ids: string[], targetIds: string[] | null): Set<string> {
  if (targetIds === null) return new Set(ids);
  const wanted = new Set(targetIds);
  return new Set(ids.filter((id) => wanted.has(id)));
}

async function waveResults(executionArn: string, config: SummaryConfig, sources: SummarySources): Promise<Partial<Record<Wave, WaveResults>>> {
  const found: Partial<Record<Wave, WaveResults>> = {};
  for (const mapRunArn of await sources.listMapRuns(executionArn)) {
    // arn:aws:states:<region>:<account>:mapRun:<state machine>/<label>:<map run id>
    const match = /:mapRun:[^/]+\/(Canary|Rest):([^:]+)$/.exec(mapRunArn);
    if (!match) continue;
    const wave: Wave = match[1] === 'Canary' ? 'canary' : 'rest';
    const manifestKey = `${config.resultsPrefix}/${wave}/${match[2]}/manifest.json`;
    let manifest: ResultWriterManifest;
    try {
      manifest = (await sources.readJson(config.resultsBucket, manifestKey)) as ResultWriterManifest;
    } catch {
      // The map run started but wrote nothing (the execution was stopped): its targets count as not started.
      continue;
    }
    const read = async (kind: 'FAILED' | 'PENDING') => {
      const records: ChildExecutionRecord[] = [];
      for (const file of manifest.ResultFiles?.[kind] ?? []) {
        const content = await sources.readJson(config.resultsBucket, file.Key);
        if (Array.isArray(content)) records.push(...(content as ChildExecutionRecord[]));
      }
      return records;
    };
    found[wave] = { manifestKey, failed: await read('FAILED'), pending: await read('PENDING') };
  }
  return found;
}

function parse(text: string | undefined): any {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function targetIdOf(record: ChildExecutionRecord): string | undefined {
  const input = parse(record.Input);
  return typeof input?.targetId === 'string' ? input.targetId : undefined;
}

function clip(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  return text.length > MESSAGE_MAX_CHARS ? `${text.slice(0, MESSAGE_MAX_CHARS - 1)}…` : text;
}

/** One failed child execution as a FleetSummary failure: the MigrationResult's reason, or the error's name. */
export function failureOf(record: ChildExecutionRecord): FleetFailure | undefined {
  const id = targetIdOf(record);
  if (!id) return undefined;
  const cause = parse(record.Cause);
  if (record.Error && RESULT_ERRORS.has(record.Error) && cause && typeof cause === 'object') {
    return {
      id,
      status: record.Error === SKIPPED_ERROR ? 'SKIPPED' : 'FAILED',
      reason: typeof cause.reason === 'string' ? cause.reason : null,
      message: clip(cause.message),
    };
  }
  // No result: the invocation threw or timed out (Cause is the caught error), or the child execution itself failed.
  const name = typeof cause?.Error === 'string' ? cause.Error : record.Error ?? null;
  const detail = typeof cause?.Cause === 'string' ? cause.Cause : typeof record.Cause === 'string' ? record.Cause : null;
  return { id, status: 'FAILED', reason: name, message: clip(detail) };
}
