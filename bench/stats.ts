export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no values to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), n: values.length };
}

/** Ratios taken pair by pair (round i of A over round i of B), so that drift in the machine cancels out. */
export function pairRatios(a: readonly number[], b: readonly number[]): Summary {
  if (a.length !== b.length) throw new Error(`unpaired samples: ${a.length} vs ${b.length}`);
  return summarize(a.map((value, i) => value / b[i]));
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
