/**
 * npm run bench: the cold and warm cost of a run with nothing to apply, against the stock Liquibase CLI and a
 * floor, on a generated changelog and a real PostgreSQL. Prints a table and writes bench/results.json.
 * docs/performance.md explains the method.
 *
 *   npm run bench                      everything (about 8 minutes on 2 cores)
 *   npm run bench -- --skip-levers     the measurements M1–M5 and the growth curve only
 *   npm run bench -- --emulator-only   only the runner under AWS's Lambda Runtime Interface Emulator (INIT REPORT,
 *                                      cold and warm Duration); kept beside the last full run's figures
 *   npm run bench -- --docs-only       re-print the table and re-render docs/performance.md from results.json
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRunnerBuilt } from '../cli/local/runner-process';
import { measureApply } from './apply';
import { measureArtifact } from './artifact';
import { measureEmulator } from './emulator';
import { writeChangelog } from './changelog';
import {
  GROWTH_NS, HEADLINE_N, LAMBDA_JVM_FLAGS, resultsFile, ROUNDS, ROUNDS_HEADLINE, runnerLibDir, WARM_INVOCATIONS, workDir,
} from './config';
import { judge } from './goals';
import { compileHarness, snapshotRunner } from './java';
import { runLevers } from './levers';
import { performanceDoc, updatePerformanceDoc } from './docs';
import { describeMachine, describeVersions, watchLoad } from './machine';
import { fmtMs, runMeasured } from './measure';
import { HeadState, measureNoop, NoopResult } from './noop';
import { BenchPostgres, startBenchPostgres } from './postgres';
import { printReport } from './report';
import { checkRunner, runnerCommand } from './runner';
import { round } from './stats';
import { ensureStockCli } from './stock-cli';
import { runWarm, WarmRun } from './warm';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => !['--skip-levers', '--docs-only', '--emulator-only'].includes(a));
  if (unknown.length > 0) {
    log(`unknown option(s): ${unknown.join(' ')}\nusage: npm run bench [-- --skip-levers | --emulator-only | --docs-only]`);
    return 2;
  }
  if (argv.includes('--emulator-only')) {
    const previous = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    const results = { ...previous, emulator: { generatedAt: new Date().toISOString(), ...(await measureEmulator(log)) } };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);
    if (updatePerformanceDoc(results)) log(`updated the figures in ${performanceDoc}`);
    return 0;
  }
  if (argv.includes('--docs-only')) {
    const previous = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    printReport(previous);
    if (updatePerformanceDoc(previous)) log(`updated the figures in ${performanceDoc}`);
    return 0;
  }
  const started = Date.now();
  const load = watchLoad();
  mkdirSync(workDir, { recursive: true });
  ensureRunnerBuilt(log);
  snapshotRunner();
  ensureStockCli(log);
  compileHarness();
  const changelogs = GROWTH_NS.map((n) => writeChangelog(join(workDir, 'changelogs', `yaml-${n}`), n, 'yaml'));
  log(`workload: ${changelogs.map((c) => `N=${c.changesets} in ${c.files} files`).join(', ')} (YAML)`);

  log('starting an embedded PostgreSQL…');
  const pg = await startBenchPostgres();
  const stop = (): void => void pg.stop().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const heads = new Map<number, HeadState>();
    for (const changelog of changelogs) heads.set(changelog.changesets, await bringToHead(pg, changelog.changesets, changelog.dir));
    const headline = heads.get(HEADLINE_N)!;

    log(`M1 cold no-op, N=${HEADLINE_N}: runner vs stock CLI vs floor, ${ROUNDS_HEADLINE} rounds after a warm-up round`);
    const m1 = await measureNoop(headline, ROUNDS_HEADLINE, log);
    log(`M2 cold full apply on an empty database, N=${HEADLINE_N}: runner vs stock CLI, ${ROUNDS} rounds`);
    const m2 = await measureApply(pg, HEADLINE_N, headline.changelogDir, ROUNDS, log);

    const noop = new Map<number, NoopResult>([[HEADLINE_N, m1]]);
    const warm = new Map<number, WarmRun>();
    for (const n of GROWTH_NS) {
      const head = heads.get(n)!;
      if (!noop.has(n)) {
        log(`growth: M1 cold no-op at N=${n}, ${ROUNDS} rounds`);
        noop.set(n, await measureNoop(head, ROUNDS, log));
      }
      log(`M3 warm no-op at N=${n}: one JVM, ${WARM_INVOCATIONS} handler invocations`);
      const run = await runWarm(head.db, head.changelogDir);
      log(`    first ${fmtMs(run.firstMs)}, then median ${fmtMs(run.warm.median)}`);
      warm.set(n, run);
    }
    const m4 = measureArtifact(runnerLibDir, 'runner');

    const levers = argv.includes('--skip-levers') ? null : await runLevers({ pg, heads, log });
    log('the runner under the Lambda Runtime Interface Emulator: cold and warm no-op invocations');
    const emulator = { generatedAt: new Date().toISOString(), ...(await measureEmulator(log)) };

    const m3 = warm.get(HEADLINE_N)!;
    const results: Record<string, unknown> = {
      generatedAt: new Date().toISOString(),
      durationSeconds: 0,
      machine: { ...describeMachine(), loadAverageDuringRun: load() },
      versions: describeVersions(await pg.serverVersion()),
      method: {
        changelogFormat: 'yaml',
        changesetsPerFile: 20,
        workload: Object.fromEntries(changelogs.map((c) => [c.changesets, { files: c.files }])),
        roundsHeadline: ROUNDS_HEADLINE,
        rounds: ROUNDS,
        warmInvocations: WARM_INVOCATIONS,
        jvmFlags: { runner: LAMBDA_JVM_FLAGS, floor: LAMBDA_JVM_FLAGS, stock: [] },
        stockCli: 'liquibase.integration.commandline.LiquibaseCommandLine update, LIQUIBASE_ANALYTICS_ENABLED=false',
      },
      m1: {
        n: HEADLINE_N,
        runner_ms: m1.runnerMs, stock_ms: m1.stockMs, floor_ms: m1.floorMs,
        ratio_stock: m1.ratioStock.median, ratio_stock_range: m1.ratioStock,
        ratio_floor: m1.ratioFloor.median, ratio_floor_range: m1.ratioFloor,
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
        warm_noop_ms: m3.warm.median, warm_ms: m3.warm,
        first_invocation_ms: m3.firstMs, init_ms: m3.initMs, jvm_to_main_ms: m3.jvmToMainMs,
        invocations_ms: m3.invocationsMs,
      },
      m4: {
        artifact_bytes: m4.zipBytes, unzipped_bytes: m4.unzippedBytes, jars: m4.jars, largest_jars: m4.largest,
      },
      m5: {
        m1_peak_rss_kb: m1.rssKb,
        m2_peak_rss_kb: m2.rssKb,
      },
      growth: {
        m1: Object.fromEntries([...noop].map(([n, r]) => [n, {
          runner_ms: r.runnerMs.median, stock_ms: r.stockMs.median, floor_ms: r.floorMs.median,
          ratio_stock: r.ratioStock.median, ratio_floor: r.ratioFloor.median }])),
        m3: Object.fromEntries([...warm].map(([n, r]) => [n, { warm_noop_ms: r.warm.median, warm_ms: r.warm,
          first_invocation_ms: r.firstMs }])),
        m1_5000_over_1000: round(noop.get(5000)!.runnerMs.median / noop.get(1000)!.runnerMs.median),
        m3_5000_over_1000: round(warm.get(5000)!.warm.median / warm.get(1000)!.warm.median),
      },
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

/** Applies a changelog once with the runner (untimed), leaving a database at head for the no-op measurements. */
async function bringToHead(pg: BenchPostgres, n: number, changelogDir: string): Promise<HeadState> {
  const db = await pg.createDatabase(`head_${n}`);
  const sample = await runMeasured(runnerCommand(db, changelogDir));
  checkRunner(sample, n);
  log(`database at head for N=${n} (applied in ${fmtMs(sample.ms)}, untimed)`);
  return { n, changelogDir, db };
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  log(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
