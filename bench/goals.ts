/**
 * Issue 12's goals: medians, whole processes, the same run, equal JVM flags, N = 1,000 (the growth ratio
 * excepted), judged on each workload format. YAML's keys are at the top of results.json, XML's under `xml.`.
 */
export interface Goal {
  /** The key within one format's block of results.json. */
  readonly key: string;
  readonly description: string;
  readonly limit: number;
  readonly unit: '×' | 'ms' | 'bytes';
}

/** Lambda's own size quotas count megabytes as MiB; the artefact goal does the same. */
export const MIB = 1024 * 1024;

export const GOALS: readonly Goal[] = [
  { key: 'm1.ratio_stock', description: 'M1 cold no-op, runner / stock CLI', limit: 0.3, unit: '×' },
  { key: 'm1.ratio_floor', description: 'M1 cold no-op, runner / floor', limit: 2.0, unit: '×' },
  { key: 'growth.m1_5000_over_100', description: 'M1 runner at N = 5,000 / at N = 100', limit: 1.3, unit: '×' },
  { key: 'm3.warm_noop_ms', description: 'M3 warm no-op (local, in-process)', limit: 20, unit: 'ms' },
  { key: 'm2.ratio_stock', description: 'M2 cold full apply, runner / stock CLI', limit: 1.0, unit: '×' },
  { key: 'm4.unzipped_total_bytes', description: 'M4 layer + function, unzipped (Lambda limit)', limit: 250 * MIB,
    unit: 'bytes' },
];

export const GOAL_FORMATS = [{ format: 'yaml', prefix: '' }, { format: 'xml', prefix: 'xml.' }] as const;

export interface GoalResult {
  /** The full key in results.json, e.g. `m1.ratio_stock` or `xml.m1.ratio_stock`. */
  readonly key: string;
  readonly format: string;
  readonly description: string;
  readonly limit: number;
  readonly unit: Goal['unit'];
  readonly value: number;
  readonly met: boolean;
}

export function judge(results: Record<string, unknown>): GoalResult[] {
  return GOAL_FORMATS.flatMap(({ format, prefix }) => GOALS.map((goal) => {
    const key = `${prefix}${goal.key}`;
    const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], results);
    if (typeof value !== 'number') throw new Error(`results.json lacks ${key}`);
    return { key, format, description: goal.description, limit: goal.limit, unit: goal.unit, value,
      met: value <= goal.limit };
  }));
}

export function formatGoalValue(unit: Goal['unit'], value: number): string {
  if (unit === 'bytes') return `${(value / MIB).toFixed(1)} MiB`;
  if (unit === 'ms') return `${value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;
  return `${value.toFixed(2)}×`;
}
