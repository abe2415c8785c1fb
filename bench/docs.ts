import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './config';
import type { GoalResult } from './goals';
import { MIB } from './goals';
import type { Summary } from './stats';

type Json = Record<string, any>;

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
export const performanceDoc = join(repoRoot, 'docs', 'performance.md');

const n = (v: number): string => Math.round(v).toLocaleString('en-US');
const ms = (s: Summary): string => `${n(s.median)} ms (${n(s.min)}–${n(s.max)})`;
const x = (s: Summary): string => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const mib = (kb: Summary | null): string => (kb ? `${(kb.median / 1024).toFixed(0)} MiB` : 'n/a');
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const header = (cells: readonly string[]): string[] => [row(cells), row(cells.map(() => '---'))];

/** Rewrites the generated block of docs/performance.md, so the page always shows the latest run and its date. */
export function updatePerformanceDoc(r: Json): boolean {
  if (!existsSync(performanceDoc)) return false;
  const text = readFileSync(performanceDoc, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(performanceDoc, `${text.slice(0, start + START.length)}\n${render(r)}\n${text.slice(end)}`);
  return true;
}

function render(r: Json): string {
  const { m1, m2, m3, m4, m5, growth, machine, versions } = r;
  const out: string[] = [];
  out.push(`Run of ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC (${r.durationSeconds} s in all): ${machine.cores} cores `
    + `(${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB; ${versions.java}; `
    + `Liquibase ${versions.liquibase}, PostgreSQL JDBC ${versions.postgresqlJdbc}, PostgreSQL server `
    + `${versions.postgresServer}, AWS SDK ${versions.awsSdk}. One-minute load average during the run: median `
    + `${machine.loadAverageDuringRun?.median ?? 'n/a'}, max ${machine.loadAverageDuringRun?.max ?? 'n/a'}. `
    + 'Medians, with min–max; ratios pair by pair.', '');
  out.push(`### Headline, N = ${n(m1.n)}`, '');
  out.push(...header(['measure', 'runner', 'stock CLI', 'floor', 'runner / stock', 'runner / floor']));
  out.push(row(['M1 cold no-op', ms(m1.runner_ms), ms(m1.stock_ms), ms(m1.floor_ms), x(m1.ratio_stock_range),
    x(m1.ratio_floor_range)]));
  out.push(row(['M2 cold full apply', ms(m2.runner_ms), ms(m2.stock_ms), '', x(m2.ratio_stock_range), '']));
  out.push(row(['M3 warm no-op (invocations 2–11)', ms(m3.warm_ms), '', '', '', '']));
  out.push(row(['M4 deployment zip', `${(m4.artifact_bytes / MIB).toFixed(1)} MiB, ${m4.jars} jars`, '', '', '', '']));
  out.push(row(['M5 peak RSS of M1', mib(m5.m1_peak_rss_kb.runner), mib(m5.m1_peak_rss_kb.stock),
    mib(m5.m1_peak_rss_kb.floor), '', '']));
  out.push(row(['M5 peak RSS of M2', mib(m5.m2_peak_rss_kb.runner), mib(m5.m2_peak_rss_kb.stock), '', '', '']));
  out.push('', `M3's first invocation in the same JVM took ${n(m3.first_invocation_ms)} ms, after `
    + `${n(m3.jvm_to_main_ms)} ms of JVM start and ${n(m3.init_ms)} ms building the runner.`, '');
  out.push('### Growth curve', '');
  out.push(...header(['N', 'M1 runner', 'M1 stock CLI', 'M1 floor', 'M1 runner / stock', 'M3 warm no-op',
    'M3 first invocation']));
  for (const key of Object.keys(growth.m1)) {
    const g = growth.m1[key];
    const w = growth.m3[key];
    out.push(row([n(Number(key)), `${n(g.runner_ms)} ms`, `${n(g.stock_ms)} ms`, `${n(g.floor_ms)} ms`,
      `${g.ratio_stock.toFixed(2)}×`, `${n(w.warm_noop_ms)} ms`, `${n(w.first_invocation_ms)} ms`]));
  }
  out.push('', `M3 from 1,000 to 5,000: ${growth.m3_5000_over_1000.toFixed(2)}×; M1 runner: `
    + `${growth.m1_5000_over_1000.toFixed(2)}×.`, '');
  out.push('### Goals', '');
  out.push(...header(['goal', 'limit', 'measured', '']));
  for (const g of r.goals as GoalResult[]) {
    const isBytes = g.key === 'm4.artifact_bytes';
    const fmt = (v: number): string => (isBytes ? `${(v / MIB).toFixed(1)} MiB` : g.key.endsWith('_ms') ? `${n(v)} ms`
      : `${v.toFixed(2)}×`);
    out.push(row([`${g.description} (\`${g.key}\`)`, `≤ ${fmt(g.limit)}`, fmt(g.value), g.met ? 'met' : '**not met**']));
  }
  if (r.levers) {
    out.push('', '### Levers, before → after', '');
    out.push(...header(['lever', 'kind', 'measure', 'before', 'after', 'after / before']));
    for (const lever of Object.values(r.levers) as Json[]) {
      for (const c of lever.comparisons as Json[]) {
        out.push(row([lever.title, lever.kind, c.measure, c.before, c.after, c.ratio ?? '']));
      }
    }
    out.push('');
    for (const lever of Object.values(r.levers) as Json[]) out.push(`- ${lever.title}: ${lever.note}`);
  }
  if (r.emulator) out.push('', ...renderEmulator(r.emulator, r));
  return out.join('\n');
}

function renderEmulator(e: Json, r: Json): string[] {
  return [
    '### The runner in the Lambda Runtime Interface Emulator',
    '',
    `Run of ${e.generatedAt.slice(0, 16).replace('T', ' ')} UTC. **Local figures, not Lambda's:** AWS's Runtime Interface `
      + `Emulator and Java runtime interface client on this machine, with ${e.java} in place of the java21 runtime's `
      + `Java 21, the java21 runtime's default JVM options for ${e.memorySizeMb} MB (\`${e.jvmOptions.join(' ')}\`), `
      + 'moto for the AWS APIs and an embedded PostgreSQL on loopback. A no-op: the database is already at head. '
      + `${e.rounds} cold starts (a fresh emulator and JVM each), then ${e.warmInvocationsPerRound} warm invocations in each. `
      + `One-minute load average during the run: median ${e.loadAverageDuringRun?.median ?? 'n/a'}, max `
      + `${e.loadAverageDuringRun?.max ?? 'n/a'} (on ${r.machine.cores} cores).`,
    '',
    ...header(['measure', 'median (min–max)']),
    row(['`INIT REPORT` (durationMs): JVM start, runtime client, handler construction', ms(e.init_report_ms)]),
    row(['`REPORT` Duration, cold no-op (includes the wait for init)', ms(e.cold_duration_ms)]),
    row(['`INVOKE RTDONE` duration, cold no-op (the invocation alone)', ms(e.cold_invoke_ms)]),
    row(['`REPORT` Duration, warm no-op', ms(e.warm_duration_ms)]),
    row(['`INVOKE RTDONE` duration, warm no-op', ms(e.warm_invoke_ms)]),
    row(['`REPORT` Init Duration, cold', ms(e.init_duration_ms)]),
    '',
    'This emulator starts the runtime asynchronously: its `REPORT` line\'s `Init Duration` times only the hand-off of '
      + 'the init request, and a cold invocation\'s `Duration` counts the wait for the init phase. The `INIT REPORT` and '
      + '`INVOKE RTDONE` lines it logs time the two phases apart. The warm `Duration` and `INVOKE RTDONE` agree.',
  ];
}
