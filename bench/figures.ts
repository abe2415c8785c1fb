/**
 * The figures of a results.json as titled tables, shared by the printed report (report.ts) and the generated
 * block of docs/performance.md (docs.ts), so the two always show the same rows.
 */
import { formatGoalValue, GoalResult, MIB } from './goals';
import type { Summary } from './stats';

type Json = Record<string, any>;

export interface Section {
  readonly title: string;
  readonly before: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly after: readonly string[];
}

const n = (v: number): string => Math.round(v).toLocaleString('en-US');
const msv = (v: number): string => (v < 100 ? `${v.toFixed(1)} ms` : `${n(v)} ms`);
export const ms = (s: Summary): string => `${msv(s.median)} (${msv(s.min).replace(' ms', '')}–${msv(s.max)})`;
export const x = (s: Summary): string => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const rssMib = (kb: Summary | null | undefined): string => (kb ? `${(kb.median / 1024).toFixed(0)} MiB` : 'n/a');
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;
const FORMAT_NAMES: Record<string, string> = { yaml: 'YAML', xml: 'XML' };

/** Every section, in reading order. */
export function sections(r: Json): Section[] {
  const out: Section[] = [];
  for (const [format, block] of formatBlocks(r)) out.push(headline(format, block), growth(format, block));
  out.push(artifact(r));
  out.push(goals(r));
  if (r.levers) out.push(levers(r.levers));
  if (r.emulator) out.push(emulator(r.emulator, r));
  return out;
}

export function runLine(r: Json): string {
  const { machine, versions } = r;
  return `Run of ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC (${r.durationSeconds} s in all): ${machine.cores} cores `
    + `(${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB; ${versions.java}; `
    + `Liquibase ${versions.liquibase}, PostgreSQL JDBC ${versions.postgresqlJdbc}, PostgreSQL server `
    + `${versions.postgresServer}, AWS SDK ${versions.awsSdk}. One-minute load average during the run: median `
    + `${machine.loadAverageDuringRun?.median ?? 'n/a'}, max ${machine.loadAverageDuringRun?.max ?? 'n/a'} (a shared `
    + 'machine inflates every time; the pairing keeps ratios fair). Medians, with min–max; ratios pair by pair. '
    + `Equal flags: every JVM on the Lambda java21 runtime's \`${r.method.jvmFlags.equal.runner.join(' ')}\`. Natural `
    + 'flags: the runner and the floor on those, the stock CLI on the JVM\'s defaults. Measured rounds: '
    + `${r.method.roundsHeadline} at N = 1,000, ${r.method.rounds} elsewhere, each after a warm-up round`
    + `${r.levers ? '' : '; levers not run (`--skip-levers`)'}. Runner measured: ${versions.runnerBuild ?? 'as built'}.`;
}

function formatBlocks(r: Json): Array<[string, Json]> {
  return [['yaml', r], ...(r.xml ? [['xml', r.xml] as [string, Json]] : [])];
}

function headline(format: string, b: Json): Section {
  const { m1, m2, m3, m5, natural } = b;
  const stock = (equal: Summary, nat: Summary): string => `${ms(equal)}; defaults ${ms(nat)}`;
  const warmNote = 'local, in-process; not a Lambda latency';
  return {
    title: `${FORMAT_NAMES[format]} workload, N = ${n(m1.n)}`,
    before: [],
    rows: [
      ['measure', 'runner', 'stock CLI: Lambda flags; defaults', 'floor', 'runner / stock, equal flags',
        'runner / stock, natural flags', 'runner / floor'],
      ['M1 cold no-op, fast path on (after)', ms(m1.runner_ms), stock(m1.stock_ms, natural.m1.stock_ms), ms(m1.floor_ms),
        x(m1.ratio_stock_range), x(natural.m1.ratio_stock_range), x(m1.ratio_floor_range)],
      ['M1 cold no-op, fast path off (before)', ms(m1.before.runner_ms), '', '', x(m1.before.ratio_stock_range),
        x(natural.m1.before.ratio_stock_range), x(m1.before.ratio_floor_range)],
      ['M2 cold full apply', ms(m2.runner_ms), stock(m2.stock_ms, natural.m2.stock_ms), '', x(m2.ratio_stock_range),
        x(natural.m2.ratio_stock_range), ''],
      [`M3 warm no-op, fast path on (${warmNote})`, ms(m3.warm_ms), '', '', '', '', ''],
      [`M3 warm no-op, fast path off (${warmNote})`, ms(m3.before.warm_ms), '', '', '', '', ''],
      ...(m3.read_only_folder ? [[`M3 warm no-op, fast path on, changelog folder on a read-only bind mount (${warmNote})`,
        ms(m3.read_only_folder.warm_ms), '', '', '', '', '']] : []),
      ['M5 peak RSS of M1 (fast path on; off)', `${rssMib(m5.m1_peak_rss_kb.runner)}; ${rssMib(m5.m1_peak_rss_kb.runner_fast_path_off)}`,
        `${rssMib(m5.m1_peak_rss_kb.stock)}; ${rssMib(m5.m1_peak_rss_kb.stock_natural)}`, rssMib(m5.m1_peak_rss_kb.floor), '', '', ''],
      ['M5 peak RSS of M2', rssMib(m5.m2_peak_rss_kb.runner),
        `${rssMib(m5.m2_peak_rss_kb.stock)}; ${rssMib(m5.m2_peak_rss_kb.stock_natural)}`, '', '', '', ''],
    ],
    after: [
      `M3 is invocations 2–11 of one JVM (WarmHarness): ${warmNote}. The runner keeps the changelog folder's checksum `
        + 'for the JVM\'s life only when the folder is read-only (its file store, or its own mount\'s flags in '
        + '/proc/self/mountinfo, as for a read-only bind mount); on a writable folder it hashes every file on every run, '
        + 'which the read-only variant leaves out. Its first invocation took '
        + `${msv(m3.first_invocation_ms)} with the fast path on and ${msv(m3.before.first_invocation_ms)} off, after `
        + `${msv(m3.jvm_to_main_ms)} of JVM start and ${msv(m3.init_ms)} building the runner.`,
    ],
  };
}

function growth(format: string, b: Json): Section {
  const g = b.growth;
  const nat = b.natural.growth.m1;
  return {
    title: `${FORMAT_NAMES[format]} growth curve (medians)`,
    before: [],
    rows: [
      ['N', 'M1 runner, fast path on', 'M1 runner, off', 'M1 stock CLI (Lambda flags; defaults)', 'M1 floor',
        'on / stock, equal; natural', 'off / stock, equal; natural', 'on / floor', 'M3 warm, on', 'M3 warm, off',
        'M3 warm, on, read-only folder'],
      ...Object.keys(g.m1).map((key) => {
        const m = g.m1[key];
        const w = g.m3[key];
        return [n(Number(key)), msv(m.runner_ms), msv(m.before.runner_ms), `${msv(m.stock_ms)}; ${msv(nat[key].stock_ms)}`,
          msv(m.floor_ms), `${m.ratio_stock.toFixed(2)}×; ${nat[key].ratio_stock.toFixed(2)}×`,
          `${m.before.ratio_stock.toFixed(2)}×; ${nat[key].before.ratio_stock.toFixed(2)}×`, `${m.ratio_floor.toFixed(2)}×`,
          msv(w.warm_noop_ms), msv(w.before.warm_noop_ms),
          w.read_only_folder ? msv(w.read_only_folder.warm_noop_ms) : 'not measured'];
      }),
    ],
    after: [
      `M1 runner from N = 100 to 5,000: ${g.m1_5000_over_100.toFixed(2)}× with the fast path on, `
        + `${g.before.m1_5000_over_100.toFixed(2)}× off. M3 from 1,000 to 5,000: ${g.m3_5000_over_1000.toFixed(2)}× on, `
        + `${g.before.m3_5000_over_1000.toFixed(2)}× off.`,
    ],
  };
}

function artifact(r: Json): Section {
  const rows = formatBlocks(r).map(([format, b]) => {
    const m4 = b.m4;
    return [`${FORMAT_NAMES[format]}, N = ${n(b.m1.n)}`,
      `${mib(m4.layer_zip_bytes)} zipped, ${mib(m4.layer_unzipped_bytes)} unzipped, ${m4.jars} jars`,
      `${mib(m4.function_zip_bytes)} zipped, ${mib(m4.function_unzipped_bytes)} unzipped, ${m4.function_files} files`,
      `${mib(m4.zip_total_bytes)} zipped, ${mib(m4.unzipped_total_bytes)} unzipped`,
      `${(100 * m4.unzipped_total_bytes / m4.unzipped_limit_bytes).toFixed(1)}% of ${mib(m4.unzipped_limit_bytes)}`];
  });
  return {
    title: 'M4 deployment assets (layer layout)',
    before: ['The runner\'s jars ship as a Lambda layer (`java/lib/*.jar`); the function\'s own code is only the '
      + 'changelog folder, here the workload at N = 1,000. Lambda counts the function and its layers against one '
      + '250 MiB unzipped limit.'],
    rows: [['function changelog', 'runner layer', 'function code', 'sum', 'of Lambda\'s unzipped limit'], ...rows],
    after: [],
  };
}

function goals(r: Json): Section {
  return {
    title: 'Goals (issue 12: medians, same run, equal JVM flags, N = 1,000)',
    before: [],
    rows: [
      ['format', 'goal', 'key', 'limit', 'measured', ''],
      ...(r.goals as GoalResult[]).map((g) => [FORMAT_NAMES[g.format] ?? g.format, g.description, `\`${g.key}\``,
        `≤ ${formatGoalValue(g.unit, g.limit)}`, formatGoalValue(g.unit, g.value), g.met ? 'met' : '**not met**']),
    ],
    after: [],
  };
}

function levers(l: Json): Section {
  const rows: string[][] = [['lever', 'kind', 'measure', 'before', 'after', 'after / before']];
  for (const lever of Object.values(l) as Json[]) {
    for (const c of lever.comparisons as Json[]) rows.push([lever.title, lever.kind, c.measure, c.before, c.after, c.ratio ?? '']);
  }
  return {
    title: 'Levers, before → after',
    before: [],
    rows,
    after: (Object.values(l) as Json[]).map((lever) => `- ${lever.title}: ${lever.note}`),
  };
}

function emulator(e: Json, r: Json): Section {
  const both = (key: string): string[] => [ms(e.before[key]), ms(e.after[key])];
  return {
    title: 'The runner in the Lambda Runtime Interface Emulator, fast path off (before) and on (after)',
    before: [
      `Run of ${e.generatedAt.slice(0, 16).replace('T', ' ')} UTC. **Local figures, not Lambda's:** AWS's Runtime Interface `
        + `Emulator and Java runtime interface client on this machine, with ${e.java} in place of the java21 runtime's `
        + `Java 21, the java21 runtime's default JVM options for ${e.memorySizeMb} MB (\`${e.jvmOptions.join(' ')}\`), `
        + 'moto for the AWS APIs and an embedded PostgreSQL on loopback. A no-op: the database is already at head, with '
        + 'the fingerprint of the run that brought it there. The function as synthesized (fast path on), and with '
        + '`FAST_PATH=false` as the construct prop `fastPath: false` sets it; every invocation checked for its '
        + `\`runner.fastPath\`. ${e.rounds} cold starts per mode (a fresh emulator and JVM each, the modes alternated), `
        + `then ${e.warmInvocationsPerRound} warm invocations in each. One-minute load average during the run: median `
        + `${e.loadAverageDuringRun?.median ?? 'n/a'}, max ${e.loadAverageDuringRun?.max ?? 'n/a'} (on ${r.machine.cores} cores).`,
    ],
    rows: [
      ['measure', 'fast path off (before)', 'fast path on (after)'],
      ['`INIT REPORT` (durationMs): JVM start, runtime client, handler construction', ...both('init_report_ms')],
      ['`INVOKE RTDONE` duration, cold no-op (the invocation alone)', ...both('cold_invoke_ms')],
      ['cold no-op in all: `INIT REPORT` + `INVOKE RTDONE`', ...both('cold_total_ms')],
      ['`REPORT` Duration, cold no-op (includes the wait for init)', ...both('cold_duration_ms')],
      ['`REPORT` Duration, warm no-op', ...both('warm_duration_ms')],
      ['`INVOKE RTDONE` duration, warm no-op', ...both('warm_invoke_ms')],
      ['`REPORT` Init Duration, cold', ...both('init_duration_ms')],
    ],
    after: [
      `Cold no-op in all, after / before, round by round: ${x(e.cold_total_ratio)}. This emulator starts the runtime `
        + 'asynchronously: its `REPORT` line\'s `Init Duration` times only the hand-off of the init request, and a cold '
        + 'invocation\'s `Duration` counts the wait for the init phase. The `INIT REPORT` and `INVOKE RTDONE` lines it '
        + 'logs time the two phases apart.',
    ],
  };
}
