/**
 * npm run bench: the cold and warm cost of a run with nothing to apply (the runner's fast path on, and off as the
 * "before"), and of a full apply, against the stock Liquibase CLI and a floor, on a generated changelog in YAML and
 * in XML, on a real PostgreSQL. Every ratio on equal JVM flags (the headline) and on each contender's natural flags.
 * Prints a table and writes bench/results.json; docs/performance.md explains the method.
 *
 *   npm run bench                      everything (aimed at 30 minutes on 2 cores; docs/performance.md)
 *   npm run bench -- --skip-levers     the measurements and the emulator, without the levers
 *   npm run bench -- --emulator-only   only the runner under AWS's Lambda Runtime Interface Emulator (INIT REPORT,
 *                                      cold and warm Duration, fast path off then on); kept beside the last full run
 *   npm run bench -- --docs-only       re-print the table and re-render docs/performance.md from results.json
 *   npm run bench -- --runner-lib DIR  (with any of the above but --docs-only) measure the runner jars in DIR, e.g.
 *                                      another branch's liquibase-runner/target/lambda/lib, instead of building this one
 *   npm run bench -- --rounds H,R      measured rounds at the headline N and elsewhere (default 6,4); fewer on a
 *                                      machine too loaded to finish in time. results.json records the rounds run
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRunnerBuilt } from '../cli/local/runner-process';
import { measureApply } from './apply';
import { measureArtifact } from './artifact';
import { ChangelogFormat, GeneratedChangelog, writeChangelog } from './changelog';
import {
  FLAG_SETS, FORMATS, GROWTH_NS, HEADLINE_N, resultsFile, ROUNDS, ROUNDS_HEADLINE, runnerLibDir, WARM_INVOCATIONS, workDir,
} from './config';

interface Rounds {
  readonly headline: number;
  readonly other: number;
}
import { performanceDoc, updatePerformanceDoc } from './docs';
import { EMULATOR_ROUNDS, EMULATOR_WARM_INVOCATIONS, measureEmulator } from './emulator';
import { judge } from './goals';
import { compileHarness, runnerBuildId, runnerLayerDir, snapshotRunner } from './java';
import { runLevers } from './levers';
import { describeMachine, describeVersions, watchLoad } from './machine';
import { fmtMs, runMeasured } from './measure';
import { HeadState, measureNoop, NoopRatios, NoopResult } from './noop';
import { BenchPostgres, startBenchPostgres } from './postgres';
import { printReport } from './report';
import { checkRunner, runnerCommand } from './runner';
import { round, Summary } from './stats';
import { ensureStockCli } from './stock-cli';
import { canMountReadOnly, runWarm, WarmRun } from './warm';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Beside every warm figure: what it is and what it is not. */
export const WARM_NOTE = 'local, in-process: one JVM on this machine, local stand-ins for the AWS calls, the database '
  + 'on loopback; not a Lambda latency';

async function main(argv: string[]): Promise<number> {
  const { values, flags } = optionValues(argv, ['--runner-lib', '--rounds']);
  const runnerLib = values['--runner-lib'];
  const rounds = parseRounds(values['--rounds']);
  const unknown = flags.filter((a) => !['--skip-levers', '--docs-only', '--emulator-only'].includes(a));
  if (unknown.length > 0 || rounds === null || Object.values(values).some((v) => v === '' || v.startsWith('--'))) {
    log(`bad option(s): ${[...unknown, ...Object.entries(values).map(([k, v]) => `${k} ${v}`)].join(' ')}\n`
      + 'usage: npm run bench [-- --skip-levers | --emulator-only | --docs-only] [--runner-lib DIR] [--rounds H,R]');
    return 2;
  }
  const prepareRunner = (): { build: string; layer: string | undefined } => {
    if (runnerLib === undefined) ensureRunnerBuilt(log);
    snapshotRunner(runnerLib);
    return { build: runnerLib === undefined ? 'liquibase-runner as built' : 'another build (--runner-lib)',
      layer: runnerLib === undefined ? undefined : runnerLayerDir() };
  };
  if (flags.includes('--emulator-only')) {
    const previous = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    const runner = prepareRunner();
    const results = { ...previous, emulator: { generatedAt: new Date().toISOString(), runnerBuild: runner.build,
      runnerJarSha256: runnerBuildId(), ...(await measureEmulator(log, runner.layer)) } };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);
    if (updatePerformanceDoc(results)) log(`updated the figures in ${performanceDoc}`);
    return 0;
  }
  if (flags.includes('--docs-only')) {
    const previous = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    printReport(previous);
    if (updatePerformanceDoc(previous)) log(`updated the figures in ${performanceDoc}`);
    return 0;
  }
  const started = Date.now();
  const load = watchLoad();
  mkdirSync(workDir, { recursive: true });
  const runner = prepareRunner();
  ensureStockCli(log);
  compileHarness();

  // First, with its own PostgreSQL and moto: the most moving parts, so a broken setup shows before the long part.
  log('the runner under the Lambda Runtime Interface Emulator: cold and warm no-op invocations, fast path off then on');
  const emulator = { generatedAt: new Date().toISOString(), runnerBuild: runner.build, runnerJarSha256: runnerBuildId(),
    ...(await measureEmulator(log, runner.layer)) };

  log('starting an embedded PostgreSQL…');
  const pg = await startBenchPostgres();
  const stop = (): void => void pg.stop().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const blocks = new Map<ChangelogFormat, Record<string, unknown>>();
    const headsByFormat = new Map<ChangelogFormat, Map<number, HeadState>>();
    for (const format of FORMATS) {
      const { block, heads } = await measureFormat(pg, format, rounds);
      blocks.set(format, block);
      headsByFormat.set(format, heads);
    }

    const levers = flags.includes('--skip-levers') ? null : await runLevers({ pg, heads: headsByFormat, rounds: rounds.other, log });

    const results: Record<string, unknown> = {
      generatedAt: new Date().toISOString(),
      durationSeconds: 0,
      machine: { ...describeMachine(), loadAverageDuringRun: load() },
      versions: { ...describeVersions(await pg.serverVersion()), runnerBuild: runner.build,
        runnerJarSha256: runnerBuildId() },
      method: {
        formats: [...FORMATS],
        layout: 'yaml at the top level of this file, xml under `xml.`; equal JVM flags at the top of each, natural '
          + 'flags under `natural.`; the fast path on in m1/m3 and off under `before`',
        changesetsPerFile: 20,
        roundsHeadline: rounds.headline,
        rounds: rounds.other,
        warmInvocations: WARM_INVOCATIONS,
        emulatorRounds: EMULATOR_ROUNDS,
        emulatorWarmInvocations: EMULATOR_WARM_INVOCATIONS,
        jvmFlags: FLAG_SETS,
        fastPath: 'm1 and m3 time the runner as built (fast path on, each run checked for runner.fastPath true); '
          + '`before` times it with --no-fast-path in the same rounds (checked false)',
        warm: WARM_NOTE,
        stockCli: 'liquibase.integration.commandline.LiquibaseCommandLine update, LIQUIBASE_ANALYTICS_ENABLED=false',
      },
      ...blocks.get('yaml'),
      xml: blocks.get('xml'),
      levers,
      emulator,
    };
    results.goals = judge(results);
    results.durationSeconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);
    log(`wrote ${resultsFile} in ${results.durationSeconds} s`);
    if (updatePerformanceDoc(results)) log(`updated the figures in ${performanceDoc}`);
    return 0;
  } finally {
    await pg.stop();
  }
}

/** M1, M2, M3, M4, M5 and the growth curve of one workload format, every ratio on both flag sets. */
async function measureFormat(pg: BenchPostgres, format: ChangelogFormat, rounds: Rounds)
  : Promise<{ block: Record<string, unknown>; heads: Map<number, HeadState> }> {
  const changelogs = GROWTH_NS.map((n) => writeChangelog(join(workDir, 'changelogs', `${format}-${n}`), n, format));
  log(`${format}: workload ${changelogs.map((c) => `N=${c.changesets} in ${c.files} files`).join(', ')}`);
  const heads = new Map<number, HeadState>();
  for (const changelog of changelogs) heads.set(changelog.changesets, await bringToHead(pg, changelog));
  const headline = heads.get(HEADLINE_N)!;

  log(`${format} M1 cold no-op, N=${HEADLINE_N}: runner (fast path on, off) vs stock CLI (Lambda flags, defaults) `
    + `vs floor, ${rounds.headline} rounds after a warm-up round`);
  const m1 = await measureNoop(headline, rounds.headline, log);
  log(`${format} M2 cold full apply on an empty database, N=${HEADLINE_N}: runner vs stock CLI, ${rounds.other} rounds`);
  const m2 = await measureApply(pg, HEADLINE_N, headline.changelog, rounds.other, log);

  const noop = new Map<number, NoopResult>([[HEADLINE_N, m1]]);
  const warm = new Map<number, { on: WarmRun; off: WarmRun; readOnly: WarmRun | null }>();
  const readOnlyFolder = canMountReadOnly();
  if (!readOnlyFolder) log('M3 on a read-only changelog folder: skipped, this machine cannot make a read-only bind mount');
  for (const n of GROWTH_NS) {
    const head = heads.get(n)!;
    if (!noop.has(n)) {
      log(`${format} growth: M1 cold no-op at N=${n}, ${rounds.other} rounds`);
      noop.set(n, await measureNoop(head, rounds.other, log));
    }
    log(`${format} M3 warm no-op at N=${n}: one JVM, ${WARM_INVOCATIONS} handler invocations, fast path on, then off`);
    const on = await runWarm(head.db, head.changelog);
    const off = await runWarm(head.db, head.changelog, { fastPath: false });
    const readOnly = readOnlyFolder ? await runWarm(head.db, head.changelog, { readOnlyChangelog: true }) : null;
    log(`    on: first ${fmtMs(on.firstMs)}, then median ${on.warm.median} ms; off: first ${fmtMs(off.firstMs)}, `
      + `then median ${fmtMs(off.warm.median)}`
      + (readOnly ? `; on, read-only folder: median ${readOnly.warm.median} ms` : ''));
    warm.set(n, { on, off, readOnly });
  }
  const m4 = measureArtifact(runnerLibDir, headline.changelog.dir, `${format}-${HEADLINE_N}`);
  const m3 = warm.get(HEADLINE_N)!;
  const ratio = (a: number, b: number): number => round(a / b);
  const growthOf = (pick: (r: NoopResult) => Summary) => (hi: number, lo: number): number =>
    ratio(pick(noop.get(hi)!).median, pick(noop.get(lo)!).median);
  const runnerGrowth = growthOf((r) => r.runnerMs);
  const beforeGrowth = growthOf((r) => r.before.runnerMs);

  const block: Record<string, unknown> = {
    format,
    masterFile: headline.changelog.masterFile,
    workload: Object.fromEntries(changelogs.map((c: GeneratedChangelog) => [c.changesets, { files: c.files }])),
    jvm_flags: 'equal',
    m1: {
      n: HEADLINE_N,
      fast_path: true,
      runner_ms: m1.runnerMs, stock_ms: m1.stockMs, floor_ms: m1.floorMs,
      ...ratioKeys(m1, 'equal'),
      before: { fast_path: false, ...ratioKeys(m1.before, 'equal') },
      samples_ms: m1.samplesMs,
    },
    m2: {
      n: HEADLINE_N,
      runner_ms: m2.runnerMs, stock_ms: m2.stockMs,
      ratio_stock: m2.ratioStock.median, ratio_stock_range: m2.ratioStock,
      samples_ms: m2.samplesMs,
    },
    m3: {
      n: HEADLINE_N,
      note: WARM_NOTE,
      fast_path: true,
      ...warmKeys(m3.on),
      before: { fast_path: false, ...warmKeys(m3.off) },
      // As /var/task in Lambda: the runner keeps the folder's checksum for the JVM's life.
      read_only_folder: m3.readOnly ? { fast_path: true, ...warmKeys(m3.readOnly) } : null,
    },
    m4: {
      layer_zip_bytes: m4.layer.zipBytes, layer_unzipped_bytes: m4.layer.unzippedBytes, jars: m4.layer.files,
      function_zip_bytes: m4.function.zipBytes, function_unzipped_bytes: m4.function.unzippedBytes,
      function_files: m4.function.files, function_changelog: `the N = ${HEADLINE_N} ${format} workload`,
      unzipped_total_bytes: m4.unzippedTotalBytes, zip_total_bytes: m4.zipTotalBytes,
      unzipped_limit_bytes: m4.unzippedLimitBytes, largest_jars: m4.layer.largest,
    },
    m5: { m1_peak_rss_kb: m1.rssKb, m2_peak_rss_kb: m2.rssKb },
    growth: {
      m1: Object.fromEntries([...noop].map(([n, r]) => [n, {
        runner_ms: r.runnerMs.median, stock_ms: r.stockMs.median, floor_ms: r.floorMs.median,
        ratio_stock: r.ratioStock.median, ratio_floor: r.ratioFloor.median,
        before: { runner_ms: r.before.runnerMs.median, ratio_stock: r.before.ratioStock.median,
          ratio_floor: r.before.ratioFloor.median },
      }])),
      m3: Object.fromEntries([...warm].map(([n, w]) => [n, {
        warm_noop_ms: w.on.warm.median, warm_ms: w.on.warm, first_invocation_ms: w.on.firstMs,
        before: { warm_noop_ms: w.off.warm.median, warm_ms: w.off.warm, first_invocation_ms: w.off.firstMs },
        read_only_folder: w.readOnly ? { warm_noop_ms: w.readOnly.warm.median, warm_ms: w.readOnly.warm } : null,
      }])),
      m1_5000_over_100: runnerGrowth(5000, 100),
      m1_5000_over_1000: runnerGrowth(5000, 1000),
      m3_5000_over_1000: ratio(warm.get(5000)!.on.warm.median, warm.get(1000)!.on.warm.median),
      before: {
        m1_5000_over_100: beforeGrowth(5000, 100),
        m1_5000_over_1000: beforeGrowth(5000, 1000),
        m3_5000_over_1000: ratio(warm.get(5000)!.off.warm.median, warm.get(1000)!.off.warm.median),
      },
    },
    natural: {
      jvm_flags: 'natural',
      m1: {
        n: HEADLINE_N,
        runner_ms: m1.runnerMs, stock_ms: m1.stockNaturalMs, floor_ms: m1.floorMs,
        ...ratioKeys(m1, 'natural'),
        before: { fast_path: false, ...ratioKeys(m1.before, 'natural') },
      },
      m2: {
        n: HEADLINE_N,
        runner_ms: m2.runnerMs, stock_ms: m2.stockNaturalMs,
        ratio_stock: m2.ratioStockNatural.median, ratio_stock_range: m2.ratioStockNatural,
      },
      growth: {
        m1: Object.fromEntries([...noop].map(([n, r]) => [n, {
          stock_ms: r.stockNaturalMs.median, ratio_stock: r.ratioStockNatural.median,
          before: { ratio_stock: r.before.ratioStockNatural.median },
        }])),
      },
    },
  };
  return { block, heads };
}

/** Pulls `--name value` pairs out of argv; what is left are the flags. */
function optionValues(argv: readonly string[], names: readonly string[])
  : { values: Record<string, string>; flags: string[] } {
  const values: Record<string, string> = {};
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (names.includes(argv[i])) values[argv[i]] = argv[++i] ?? '';
    else flags.push(argv[i]);
  }
  return { values, flags };
}

/** `--rounds H,R`: H measured rounds at the headline N, R elsewhere (M2, growth, levers); at least 1 each. */
function parseRounds(value: string | undefined): Rounds | null {
  if (value === undefined) return { headline: ROUNDS_HEADLINE, other: ROUNDS };
  const match = /^(\d+),(\d+)$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) return null;
  return { headline: Number(match[1]), other: Number(match[2]) };
}

/** The ratio keys of one runner arm on one flag set. The floor runs on the Lambda flags in both sets. */
function ratioKeys(r: NoopRatios, flags: 'equal' | 'natural'): Record<string, unknown> {
  const stock = flags === 'equal' ? r.ratioStock : r.ratioStockNatural;
  return {
    runner_ms: r.runnerMs,
    ratio_stock: stock.median, ratio_stock_range: stock,
    ratio_floor: r.ratioFloor.median, ratio_floor_range: r.ratioFloor,
  };
}

function warmKeys(run: WarmRun): Record<string, unknown> {
  return {
    warm_noop_ms: run.warm.median, warm_ms: run.warm,
    first_invocation_ms: run.firstMs, init_ms: run.initMs, jvm_to_main_ms: run.jvmToMainMs,
    invocations_ms: run.invocationsMs,
  };
}

/**
 * Applies a changelog once with the runner as built (untimed), leaving a database at head, and with it the
 * fingerprint the fast path answers from: every no-op measurement of that N runs against it.
 */
async function bringToHead(pg: BenchPostgres, changelog: GeneratedChangelog): Promise<HeadState> {
  const n = changelog.changesets;
  const db = await pg.createDatabase(`head_${changelog.format}_${n}`);
  const sample = await runMeasured(runnerCommand(db, changelog));
  checkRunner(sample, n, false);
  log(`database at head for ${changelog.format} N=${n} (applied in ${fmtMs(sample.ms)}, untimed)`);
  return { n, changelog, db };
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  log(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
