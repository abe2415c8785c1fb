import type { Changelog } from './changelog';
import { FLAG_SETS } from './config';
import { alternate, Sample } from './measure';
import { rss } from './noop';
import type { BenchDatabase, BenchPostgres } from './postgres';
import { checkRunner, runnerCommand } from './runner';
import { Summary, pairRatios, summarize } from './stats';
import { checkStock, stockCommand } from './stock-cli';

export interface ApplyResult {
  readonly n: number;
  readonly runnerMs: Summary;
  /** The stock CLI on the Lambda flags (equal) and on the JVM's defaults (natural). */
  readonly stockMs: Summary;
  readonly stockNaturalMs: Summary;
  readonly ratioStock: Summary;
  readonly ratioStockNatural: Summary;
  readonly rssKb: Record<string, Summary | null>;
  readonly samplesMs: Record<string, number[]>;
}

/**
 * M2: cold full apply of the whole changelog on an empty database, the runner as built against the stock CLI on
 * both flag sets. Each run gets a database of its own, created before its clock starts; afterwards
 * DATABASECHANGELOG must hold all N rows. A fresh database has no fingerprint, so the runner takes the full path.
 */
export async function measureApply(pg: BenchPostgres, n: number, changelog: Changelog, rounds: number,
  log: (line: string) => void): Promise<ApplyResult> {
  const fresh: Record<string, BenchDatabase> = {};
  const verified = async (name: string, sample: Sample, check: (s: Sample) => void): Promise<void> => {
    check(sample);
    const count = await pg.appliedCount(fresh[name]);
    if (count !== n) throw new Error(`${name} left ${count} rows in DATABASECHANGELOG, expected ${n}`);
  };
  const stockArm = (name: string, flags: readonly string[]) => ({
    name,
    command: async () => stockCommand((fresh[name] = await pg.createDatabase(`apply_${name}`)), changelog, flags),
    check: (s: Sample) => verified(name, s, (x) => checkStock(x, n)),
  });
  const samples = await alternate([
    { name: 'runner',
      command: async () => runnerCommand((fresh.runner = await pg.createDatabase('apply_runner')), changelog),
      check: (s) => verified('runner', s, (x) => checkRunner(x, n, false)) },
    stockArm('stock', FLAG_SETS.equal.stock),
    stockArm('stock_natural', FLAG_SETS.natural.stock),
  ], rounds, log);
  const ms = (name: string): number[] => samples[name].map((s) => s.ms);
  return {
    n,
    runnerMs: summarize(ms('runner')),
    stockMs: summarize(ms('stock')),
    stockNaturalMs: summarize(ms('stock_natural')),
    ratioStock: pairRatios(ms('runner'), ms('stock')),
    ratioStockNatural: pairRatios(ms('runner'), ms('stock_natural')),
    rssKb: Object.fromEntries(Object.keys(samples).map((name) => [name, rss(samples[name])])),
    samplesMs: Object.fromEntries(Object.keys(samples).map((name) => [name, ms(name)])),
  };
}
