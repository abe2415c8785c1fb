import { alternate, Command, Sample } from '../measure';
import { rss } from '../noop';
import { Summary, pairRatios, summarize } from '../stats';

/** One before/after line of a lever, as printed and stored. */
export interface Comparison {
  readonly measure: string;
  readonly before: string;
  readonly after: string;
  /** after/before, median of the pairwise ratios, with its spread; absent where there are no pairs. */
  readonly ratio?: string;
  readonly data: Record<string, unknown>;
}

export interface LeverResult {
  readonly title: string;
  /** measured: the lever itself was applied; prototype: a stand-in for a runner change; estimate: a phase's cost. */
  readonly kind: 'measured' | 'prototype' | 'estimate';
  /** Whether the figures show it helps: every pair faster (or the artefact smaller). */
  readonly helps: boolean;
  readonly comparisons: readonly Comparison[];
  readonly note: string;
}

export interface Variant {
  readonly name: string;
  readonly command: () => Command;
  readonly check: (sample: Sample) => void;
}

const fmtMs = (s: Summary): string => `${Math.round(s.median)} ms [${Math.round(s.min)}–${Math.round(s.max)}]`;
export const fmtRatio = (s: Summary): string => `${s.median.toFixed(2)} [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;

/**
 * Times a baseline and one or more variants as whole processes, alternated round by round, and compares each
 * variant to the baseline pair by pair.
 */
export async function compareProcesses(measure: string, baseline: Variant, variants: readonly Variant[],
  rounds: number, log: (line: string) => void)
  : Promise<{ comparisons: Comparison[]; helps: boolean[]; samplesMs: Record<string, number[]> }> {
  const arms = [baseline, ...variants].map((v) => ({ name: v.name, command: async () => v.command(), check: v.check }));
  const samples = await alternate(arms, rounds, log);
  const ms = (name: string): number[] => samples[name].map((s) => s.ms);
  const before = summarize(ms(baseline.name));
  const comparisons: Comparison[] = [];
  const helps: boolean[] = [];
  for (const variant of variants) {
    const after = summarize(ms(variant.name));
    const ratio = pairRatios(ms(variant.name), ms(baseline.name));
    helps.push(ratio.max < 1);
    comparisons.push({
      measure: `${measure}: ${baseline.name} → ${variant.name}`,
      before: fmtMs(before),
      after: fmtMs(after),
      ratio: fmtRatio(ratio),
      data: { before_ms: before, after_ms: after, ratio_after_over_before: ratio,
        before_rss_kb: rss(samples[baseline.name]), after_rss_kb: rss(samples[variant.name]) },
    });
  }
  return { comparisons, helps, samplesMs: Object.fromEntries(Object.keys(samples).map((name) => [name, ms(name)])) };
}
