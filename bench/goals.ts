/** The goals, all on medians at N = 1,000 from the same run (the growth ratio excepted). */
export interface Goal {
  readonly key: string;
  readonly description: string;
  readonly limit: number;
  readonly unit: string;
}

/** Lambda's own size quotas count megabytes as MiB; the artefact goal does the same. */
export const MIB = 1024 * 1024;

export const GOALS: readonly Goal[] = [
  { key: 'm1.ratio_stock', description: 'M1 cold no-op, runner / stock CLI', limit: 0.5, unit: '×' },
  { key: 'm1.ratio_floor', description: 'M1 cold no-op, runner / floor', limit: 2.0, unit: '×' },
  { key: 'm2.ratio_stock', description: 'M2 cold full apply, runner / stock CLI', limit: 1.0, unit: '×' },
  { key: 'm3.warm_noop_ms', description: 'M3 warm no-op invocation', limit: 100, unit: 'ms' },
  { key: 'm4.artifact_bytes', description: 'M4 deployment zip', limit: 25 * MIB, unit: 'bytes' },
  { key: 'growth.m3_5000_over_1000', description: 'M3 growth from N = 1,000 to 5,000', limit: 5.5, unit: '×' },
];

export interface GoalResult {
  readonly key: string;
  readonly description: string;
  readonly limit: number;
  readonly value: number;
  readonly met: boolean;
}

export function judge(results: Record<string, unknown>): GoalResult[] {
  return GOALS.map((goal) => {
    const value = goal.key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], results);
    if (typeof value !== 'number') throw new Error(`results.json lacks ${goal.key}`);
    return { key: goal.key, description: goal.description, limit: goal.limit, value, met: value <= goal.limit };
  });
}
