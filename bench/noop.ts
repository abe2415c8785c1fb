import type { Changelog } from './changelog';
import { FLAG_SETS } from './config';
import { checkFloor, floorCommand } from './floor';
import { alternate, Sample } from './measure';
import type { BenchDatabase } from './postgres';
import { checkRunner, runnerCommand } from './runner';
import { Summary, pairRatios, summarize } from './stats';
import { checkStock, stockCommand } from './stock-cli';

/** A database at head for one changelog: every no-op measurement of that N runs against it. */
export interface HeadState {
  readonly n: number;
  readonly changelog: Changelog;
  readonly db: BenchDatabase;
}

/** One runner arm against the stock CLI and the floor: pairwise ratios on equal and on natural JVM flags. */
export interface NoopRatios {
  readonly runnerMs: Summary;
  /** Both on the Lambda flags: the headline. */
  readonly ratioStock: Summary;
  /** The stock CLI on the JVM's defaults, the runner on the Lambda flags. */
  readonly ratioStockNatural: Summary;
  /** The floor runs on the Lambda flags in both sets, so this ratio is the same in both. */
  readonly ratioFloor: Summary;
}

export interface NoopResult extends NoopRatios {
  readonly n: number;
  /** The stock CLI on the Lambda flags (equal) and on the JVM's defaults (natural). */
  readonly stockMs: Summary;
  readonly stockNaturalMs: Summary;
  readonly floorMs: Summary;
  /** The runner with `--no-fast-path`, in the same rounds: the "before" of the fast path. */
  readonly before: NoopRatios;
  readonly rssKb: Record<string, Summary | null>;
  readonly samplesMs: Record<string, number[]>;
}

/**
 * M1: cold no-op. Five arms, alternated round by round: the runner as built (fast path on, which must answer
 * from the fingerprint), the runner with the fast path off (which must take the full path), the stock CLI on the
 * Lambda flags and on the JVM's defaults, and the floor.
 */
export async function measureNoop(head: HeadState, rounds: number, log: (line: string) => void): Promise<NoopResult> {
  const { n, changelog, db } = head;
  const samples = await alternate([
    { name: 'runner', command: async () => runnerCommand(db, changelog), check: (s) => checkRunner(s, 0, true) },
    { name: 'runner_fast_path_off', command: async () => runnerCommand(db, changelog, { fastPath: false }),
      check: (s) => checkRunner(s, 0, false) },
    { name: 'stock', command: async () => stockCommand(db, changelog, FLAG_SETS.equal.stock), check: (s) => checkStock(s, 0) },
    { name: 'stock_natural', command: async () => stockCommand(db, changelog, FLAG_SETS.natural.stock),
      check: (s) => checkStock(s, 0) },
    { name: 'floor', command: async () => floorCommand(db), check: (s) => checkFloor(s, n) },
  ], rounds, log);
  const ms = (name: string): number[] => samples[name].map((s) => s.ms);
  const ratios = (arm: string): NoopRatios => ({
    runnerMs: summarize(ms(arm)),
    ratioStock: pairRatios(ms(arm), ms('stock')),
    ratioStockNatural: pairRatios(ms(arm), ms('stock_natural')),
    ratioFloor: pairRatios(ms(arm), ms('floor')),
  });
  return {
    n,
    ...ratios('runner'),
    stockMs: summarize(ms('stock')),
    stockNaturalMs: summarize(ms('stock_natural')),
    floorMs: summarize(ms('floor')),
    before: ratios('runner_fast_path_off'),
    rssKb: Object.fromEntries(Object.keys(samples).map((name) => [name, rss(samples[name])])),
    samplesMs: Object.fromEntries(Object.keys(samples).map((name) => [name, ms(name)])),
  };
}

export function rss(samples: readonly Sample[]): Summary | null {
  const values = samples.map((s) => s.peakRssKb);
  return values.every((v): v is number => v !== null) ? summarize(values) : null;
}
