import type { GoalResult } from './goals';
import { MIB } from './goals';
import type { Summary } from './stats';

type Json = Record<string, any>;

const ms = (s: Summary): string => `${fmt(s.median)} ms [${fmt(s.min)}–${fmt(s.max)}]`;
const ratio = (s: Summary): string => `${s.median.toFixed(2)}× [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;
const mb = (kb: Summary | null): string => (kb ? `${(kb.median / 1024).toFixed(0)} MiB` : 'n/a');
const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

/** The printed table: the headline at N = 1,000, the growth curve, the goals, and the levers when measured. */
export function printReport(r: Json): void {
  const out: string[] = [];
  const { m1, m2, m3, m4, m5, growth } = r;
  out.push('', `db-migrator bench, N = ${fmt(m1.n)} changesets (YAML), ${r.machine.cores} cores, `
    + `${(r.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${r.versions.java}, Liquibase ${r.versions.liquibase}`);
  const load = r.machine.loadAverageDuringRun;
  out.push(`medians [min–max]; ratios are taken pair by pair; load average during the run: median ${load?.median ?? 'n/a'}, `
    + `max ${load?.max ?? 'n/a'}`, '');
  out.push(table([
    ['measure', 'runner', 'stock CLI', 'floor', 'runner/stock', 'runner/floor'],
    ['M1 cold no-op', ms(m1.runner_ms), ms(m1.stock_ms), ms(m1.floor_ms), ratio(m1.ratio_stock_range),
      ratio(m1.ratio_floor_range)],
    ['M2 cold full apply', ms(m2.runner_ms), ms(m2.stock_ms), '', ratio(m2.ratio_stock_range), ''],
    ['M3 warm no-op', ms(m3.warm_ms), '', '', '', ''],
    ['M4 deployment zip', `${(m4.artifact_bytes / MIB).toFixed(1)} MiB (${m4.jars} jars)`, '', '', '', ''],
    ['M5 peak RSS, M1', mb(m5.m1_peak_rss_kb.runner), mb(m5.m1_peak_rss_kb.stock), mb(m5.m1_peak_rss_kb.floor), '', ''],
    ['M5 peak RSS, M2', mb(m5.m2_peak_rss_kb.runner), mb(m5.m2_peak_rss_kb.stock), '', '', ''],
  ]));
  out.push('', 'growth curve (medians)');
  const ns = Object.keys(growth.m1);
  out.push(table([
    ['N', 'M1 runner', 'M1 stock', 'M1 floor', 'M1 runner/stock', 'M3 warm no-op', 'M3 first invocation'],
    ...ns.map((n) => [fmt(Number(n)), `${fmt(growth.m1[n].runner_ms)} ms`, `${fmt(growth.m1[n].stock_ms)} ms`,
      `${fmt(growth.m1[n].floor_ms)} ms`, `${growth.m1[n].ratio_stock.toFixed(2)}×`,
      `${fmt(growth.m3[n].warm_noop_ms)} ms`, `${fmt(growth.m3[n].first_invocation_ms)} ms`]),
  ]));
  out.push(`M3 5,000 / 1,000: ${growth.m3_5000_over_1000.toFixed(2)}×   M1 runner 5,000 / 1,000: `
    + `${growth.m1_5000_over_1000.toFixed(2)}×`);
  out.push('', 'goals');
  out.push(table([
    ['goal', 'limit', 'measured', ''],
    ...(r.goals as GoalResult[]).map((g) => [g.description, limit(g), value(g), g.met ? 'met' : 'NOT MET']),
  ]));
  if (r.levers) out.push('', 'levers (before → after, medians; ratio pair by pair)', table(leverRows(r.levers)));
  if (r.emulator) out.push('', ...emulatorRows(r.emulator));
  process.stdout.write(`${out.join('\n')}\n`);
}

function limit(g: GoalResult): string {
  return g.key === 'm4.artifact_bytes' ? `≤ ${(g.limit / MIB).toFixed(0)} MiB` : `≤ ${g.limit}${g.key.endsWith('_ms') ? ' ms' : '×'}`;
}

function value(g: GoalResult): string {
  if (g.key === 'm4.artifact_bytes') return `${(g.value / MIB).toFixed(1)} MiB`;
  return g.key.endsWith('_ms') ? `${fmt(g.value)} ms` : `${g.value.toFixed(2)}×`;
}

function leverRows(levers: Json): string[][] {
  const rows = [['lever', 'measure', 'before', 'after', 'after/before']];
  for (const lever of Object.values(levers) as Json[]) {
    for (const c of lever.comparisons as Json[]) {
      rows.push([lever.title, c.measure, c.before, c.after, c.ratio ?? '']);
    }
  }
  return rows;
}

/** The runner under AWS's Lambda Runtime Interface Emulator: local figures, labelled as such. */
function emulatorRows(e: Json): string[] {
  return [
    `runner under the Lambda Runtime Interface Emulator (${e.note}); ${e.rounds} cold starts, `
      + `${e.warmInvocationsPerRound} warm invocations after each; ${e.memorySizeMb} MB; ${e.java}; load average median `
      + `${e.loadAverageDuringRun?.median ?? 'n/a'}, max ${e.loadAverageDuringRun?.max ?? 'n/a'}`,
    table([
      ['measure', 'median [min–max]'],
      ['INIT REPORT (durationMs), cold', ms(e.init_report_ms)],
      ['cold no-op: REPORT Duration (includes the init wait)', ms(e.cold_duration_ms)],
      ['cold no-op: INVOKE RTDONE duration', ms(e.cold_invoke_ms)],
      ['warm no-op: REPORT Duration', ms(e.warm_duration_ms)],
      ['warm no-op: INVOKE RTDONE duration', ms(e.warm_invoke_ms)],
      ['REPORT Init Duration, cold (times only the hand-off)', ms(e.init_duration_ms)],
    ]),
  ];
}
