import { alternate, Sample } from './measure';
import { rss } from './noop';
import type { BenchDatabase, BenchPostgres } from './postgres';
import { checkRunner, runnerCommand } from './runner';
import { Summary, pairRatios, summarize } from './stats';
import { checkStock, stockCommand } from './stock-cli';

export interface ApplyResult {
  readonly n: number;
  readonly runnerMs: Summary;
  readonly stockMs: Summary;
  readonly ratioStock: Summary;
  readonly rssKb: { readonly runner: Summary | null; readonly stock: Summary | null };
  readonly samplesMs: Record<string, number[]>;
}

/**
 * M2: cold full apply of the whole changelog on an empty database. Each run gets a database of its own, created
 * before its clock starts; afterwards DATABASECHANGELOG must hold all N rows.
 */
export async function measureApply(pg: BenchPostgres, n: number, changelogDir: string, rounds: number,
  log: (line: string) => void): Promise<ApplyResult> {
  const fresh: Record<string, BenchDatabase> = {};
  const verified = async (name: string, sample: Sample, check: (s: Sample) => void): Promise<void> => {
    check(sample);
    const count = await pg.appliedCount(fresh[name]);
    if (count !== n) throw new Error(`${name} left ${count} rows in DATABASECHANGELOG, expected ${n}`);
  };
  const samples = await alternate([
    { name: 'runner',
      command: async () => runnerCommand((fresh.runner = await pg.createDatabase('apply_runner')), changelogDir),
      check: (s) => verified('runner', s, (x) => checkRunner(x, n)) },
    { name: 'stock',
      command: async () => stockCommand((fresh.stock = await pg.createDatabase('apply_stock')), changelogDir),
      check: (s) => verified('stock', s, (x) => checkStock(x, n)) },
  ], rounds, log);
  const ms = (name: string): number[] => samples[name].map((s) => s.ms);
  return {
    n,
    runnerMs: summarize(ms('runner')),
    stockMs: summarize(ms('stock')),
    ratioStock: pairRatios(ms('runner'), ms('stock')),
    rssKb: { runner: rss(samples.runner), stock: rss(samples.stock) },
    samplesMs: { runner: ms('runner'), stock: ms('stock') },
  };
}
