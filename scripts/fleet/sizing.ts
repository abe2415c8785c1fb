/**
 * The paper sizing of docs/fleet.md, as arithmetic anyone can re-run: `npx tsx scripts/fleet/sizing.ts`.
 * Nothing here is measured on AWS; the inputs are AWS's published quotas and prices (US East, x86 Lambda, before
 * free tiers) and the runner's local measurements (docs/performance.md). A test keeps docs/fleet.md equal to it.
 */
export const INPUTS = {
  targets: 10_000,
  canarySize: 1,
  /** Paper assumption: a cold runner plus a few changesets. */
  secondsPerTarget: 10,
  /** A target at head, warm, with the fast path (0.3 s under the runtime emulator on a loaded machine, rounded up; 77 ms on a quiet one). */
  warmNoopSeconds: 0.5,
  /** A cold no-op under the runtime emulator: 7.4 s median on a loaded machine, rounded up (2.1 s on a quiet one). */
  coldNoopSeconds: 7.5,
  memoryGb: 1,
  connectionsPerTarget: 2,
  clusters: 10,
  transitionsPerTarget: 4,
  usdPerTransition: 0.025 / 1000,
  usdPerGbSecond: 0.0000166667,
  usdPerRequest: 0.2 / 1_000_000,
} as const;

export interface ConcurrencyRow {
  concurrency: number;
  worstClusterConnections: number;
  interleavedConnections: number;
  waves: number;
  wallSeconds: number;
}

export function concurrencyRow(concurrency: number, inputs = INPUTS): ConcurrencyRow {
  const waves = Math.ceil((inputs.targets - inputs.canarySize) / concurrency);
  return {
    concurrency,
    worstClusterConnections: inputs.connectionsPerTarget * concurrency,
    interleavedConnections: (inputs.connectionsPerTarget * concurrency) / inputs.clusters,
    waves,
    wallSeconds: inputs.secondsPerTarget + waves * inputs.secondsPerTarget,
  };
}

export function fleetRunCost(inputs = INPUTS) {
  const transitions = inputs.targets * inputs.transitionsPerTarget;
  const transitionsUsd = transitions * inputs.usdPerTransition;
  const gbSeconds = inputs.targets * inputs.memoryGb * inputs.secondsPerTarget;
  const lambdaUsd = gbSeconds * inputs.usdPerGbSecond + inputs.targets * inputs.usdPerRequest;
  const coldAtTen = 10;
  const noopGbSeconds = ((inputs.targets - coldAtTen) * inputs.warmNoopSeconds + coldAtTen * inputs.coldNoopSeconds) * inputs.memoryGb;
  const noopLambdaUsd = noopGbSeconds * inputs.usdPerGbSecond + inputs.targets * inputs.usdPerRequest;
  return {
    transitions,
    transitionsUsd,
    gbSeconds,
    lambdaUsd,
    totalUsd: transitionsUsd + lambdaUsd,
    noopGbSeconds,
    noopLambdaUsd,
    noopTotalUsd: transitionsUsd + noopLambdaUsd,
  };
}

export function formatWall(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${(seconds / 60).toFixed(seconds < 600 ? 1 : 0)} min`;
}

if (require.main === module) {
  for (const c of [10, 100, 500]) {
    const row = concurrencyRow(c);
    console.log(`C=${c}: connections ${row.worstClusterConnections} worst / ${row.interleavedConnections} interleaved; ` +
      `${row.waves} waves; wall ${row.wallSeconds} s (${formatWall(row.wallSeconds)})`);
  }
  const cost = fleetRunCost();
  console.log(`transitions ${cost.transitions} = $${cost.transitionsUsd.toFixed(2)}; Lambda ${cost.gbSeconds} GB-s = $${cost.lambdaUsd.toFixed(2)}; ` +
    `total $${cost.totalUsd.toFixed(2)}; no-op run ${cost.noopGbSeconds} GB-s = $${cost.noopLambdaUsd.toFixed(3)}, total $${cost.noopTotalUsd.toFixed(2)}`);
}
