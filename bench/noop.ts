import { checkFloor, floorCommand } from './floor';
import { alternate, Sample } from './measure';
import type { BenchDatabase } from './postgres';
import { checkRunner, runnerCommand } from './runner';
import { Summary, pairRatios, summarize } from './stats';
import { checkStock, stockCommand } from './stock-cli';

/** A database at head for one changelog: every no-op measurement of that N runs against it. */
export interface HeadState {
  readonly n: number;
  readonly changelogDir: string;
  readonly db: BenchDatabase;
}

export interface NoopResult {
  readonly n: number;
  readonly runnerMs: Summary;
  readonly stockMs: Summary;
  readonly floorMs: Summary;
  /** Median of the pairwise runner/stock ratios, and their spread. */
  readonly ratioStock: Summary;
  readonly ratioFloor: Summary;
  readonly rssKb: { readonly runner: Summary | null; readonly stock: Summary | null; readonly floor: Summary | null };
  readonly samplesMs: Record<string, number[]>;
}

/** M1: cold no-op, the runner process against the stock CLI and the floor, alternated round by round. */
export async function measureNoop(head: HeadState, rounds: number, log: (line: string) => void): Promise<NoopResult> {
  const { n, changelogDir, db } = head;
  const samples = await alternate([
    { name: 'runner', command: async () => runnerCommand(db, changelogDir), check: (s) => checkRunner(s, 0) },
    { name: 'stock', command: async () => stockCommand(db, changelogDir), check: (s) => checkStock(s, 0) },
    { name: 'floor', command: async () => floorCommand(db), check: (s) => checkFloor(s, n) },
  ], rounds, log);
  const ms = (name: string): number[] => samples[name].map((s) => s.ms);
  return {
    n,
    runnerMs: summarize(ms('runner')),
    stockMs: summarize(ms('stock')),
    floorMs: summarize(ms('floor')),
    ratioStock: pairRatios(ms('runner'), ms('stock')),
    ratioFloor: pairRatios(ms('runner'), ms('floor')),
    rssKb: { runner: rss(samples.runner), stock: rss(samples.stock), floor: rss(samples.floor) },
    samplesMs: { runner: ms('runner'), stock: ms('stock'), floor: ms('floor') },
  };
}

export function rss(samples: readonly Sample[]): Summary | null {
  const values = samples.map((s) => s.peakRssKb);
  return values.every((v): v is number => v !== null) ? summarize(values) : null;
}
