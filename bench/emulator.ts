/**
 * The runner in AWS's Lambda Runtime Interface Emulator: the emulator's INIT REPORT and the REPORT line's
 * Init Duration and Duration for a cold no-op invocation (a fresh emulator and JVM, the database already at head),
 * then the Duration of warm no-op invocations in the same process; with the fast path off (before) and on (after),
 * alternated round by round in the same run. The same harness as the runtime tests
 * (test/runtime): the java21 function's asset, handler and environment from the synthesized template, moto for
 * the AWS APIs, an embedded PostgreSQL. Figures from this machine (Java 17 standing in for the java21 runtime's
 * Java 21), not from Lambda.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startMoto } from '../test/cli/support/moto';
import { startPostgresServer } from '../test/cli/support/postgres-server';
import { functionOfRuntime, synthesizeMigrator, type TemplateFunction } from '../test/runtime/support/cloud-assembly';
import { type EmulatorOverrides, type Invocation, startJavaEmulator } from '../test/runtime/support/emulator';
import { java21JvmOptions } from '../test/runtime/support/java21-runtime';
import { createRuntimeWorld, type RuntimeWorld } from '../test/runtime/support/runtime-world';
import { watchLoad } from './machine';
import { pairRatios, summarize, type Summary } from './stats';

/**
 * Cold starts measured per mode, each a fresh emulator and JVM; and warm invocations after each cold one. Four
 * rounds per mode (fast path off, then on, alternating which goes first) keep the emulator part near 3 minutes.
 */
export const EMULATOR_ROUNDS = 4;
export const EMULATOR_WARM_INVOCATIONS = 5;

/** One mode's figures: the runner with the fast path off (`before`) or on (`after`, the default). */
export interface EmulatorFigures {
  readonly fastPath: boolean;
  /** `INIT REPORT(durationMs: …)`, logged by the emulator for the runtime's init phase. */
  readonly init_report_ms: Summary;
  /** `Init Duration` on the first invocation's REPORT line. */
  readonly init_duration_ms: Summary;
  /** REPORT `Duration` of the first (cold) invocation; this emulator counts the wait for the init phase in it. */
  readonly cold_duration_ms: Summary;
  /** `INVOKE RTDONE` duration of the cold invocation: the handler's first run in a fresh JVM, init excluded. */
  readonly cold_invoke_ms: Summary;
  /** INIT REPORT + INVOKE RTDONE of the cold invocation, round by round: the cold no-op's whole cost. */
  readonly cold_total_ms: Summary;
  /** REPORT `Duration` of the later invocations in the same JVM. */
  readonly warm_duration_ms: Summary;
  /** `INVOKE RTDONE` duration of the later invocations. */
  readonly warm_invoke_ms: Summary;
}

export interface EmulatorResult {
  readonly rounds: number;
  readonly warmInvocationsPerRound: number;
  readonly memorySizeMb: number;
  readonly jvmOptions: string[];
  readonly java: string;
  /** The fast path off (`FAST_PATH=false`, what the construct prop `fastPath: false` sets). */
  readonly before: EmulatorFigures;
  /** The function as synthesized: the fast path on. */
  readonly after: EmulatorFigures;
  /** after / before of the cold no-op's INIT REPORT + INVOKE RTDONE, round by round. */
  readonly cold_total_ratio: Summary;
  /** Other work on the same cores inflates every figure here; this says how much there was. */
  readonly loadAverageDuringRun: { median: number; max: number; samples: number };
  readonly note: string;
}

function deployEvent(stackId: string): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'CloudFormation Stack Status Change',
    source: 'aws.cloudformation',
    account: stackId.split(':')[4],
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: stackId.split(':')[3],
    resources: [stackId],
    detail: { 'stack-id': stackId, 'status-details': { status: 'UPDATE_COMPLETE', 'status-reason': '' } },
  };
}

function checkSucceeded(invocation: Invocation, applied: 'some' | 'none', fastPath?: boolean): void {
  const result = invocation.statusCode === 200 ? JSON.parse(invocation.body) : undefined;
  const ok = result?.status === 'SUCCEEDED' && (applied === 'some' ? result.applied.count > 0 : result.applied.count === 0)
    && (fastPath === undefined || result.runner?.fastPath === fastPath);
  if (!ok) {
    throw new Error(`the runner did not succeed as expected (${applied} applied, fast path ${fastPath ?? 'either'}): `
      + `${invocation.statusCode} ${invocation.body}`);
  }
}

/** The function as the construct synthesizes it with `fastPath: false`: the same, plus FAST_PATH=false. */
function withFastPathOff(fn: TemplateFunction): TemplateFunction {
  return { ...fn, environment: { ...fn.environment, FAST_PATH: 'false' } };
}

interface Samples {
  initReport: number[]; initDuration: number[]; cold: number[]; coldInvoke: number[]; coldTotal: number[];
  warm: number[]; warmInvoke: number[];
}

const emptySamples = (): Samples =>
  ({ initReport: [], initDuration: [], cold: [], coldInvoke: [], coldTotal: [], warm: [], warmInvoke: [] });

function figures(fastPath: boolean, s: Samples): EmulatorFigures {
  return {
    fastPath,
    init_report_ms: summarize(s.initReport),
    init_duration_ms: summarize(s.initDuration),
    cold_duration_ms: summarize(s.cold),
    cold_invoke_ms: summarize(s.coldInvoke),
    cold_total_ms: summarize(s.coldTotal),
    warm_duration_ms: summarize(s.warm),
    warm_invoke_ms: summarize(s.warmInvoke),
  };
}

/**
 * @param runnerLayer another build's layer folder (`java/lib/*.jar`) in place of the synthesized one, when the
 *     bench measures a build given by `--runner-lib`; the function's code, handler and environment stay the template's
 */
export async function measureEmulator(log: (line: string) => void, runnerLayer?: string): Promise<EmulatorResult> {
  const load = watchLoad();
  log('emulator: synthesizing the app (the runner asset is bundled once, then reused)…');
  const stack = synthesizeMigrator();
  const synthesized: TemplateFunction = functionOfRuntime(stack, 'java21');
  const runner: TemplateFunction = runnerLayer === undefined ? synthesized
    : { ...synthesized, layerDirs: synthesized.layerDirs.map((dir, i) => (i === 0 ? runnerLayer : dir)) };
  const [moto, postgres] = await Promise.all([startMoto(), startPostgresServer()]);
  let world: RuntimeWorld | undefined;
  try {
    const databaseName = runner.environment.DATABASE_NAME as string;
    const admin = new Client({ host: postgres.host, port: postgres.port, user: postgres.username, password: postgres.password, database: 'postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${databaseName}"`);
    await admin.end();
    world = await createRuntimeWorld(moto.endpoint, stack.region, {
      busName: 'db-migrator',
      migratorStackName: 'db-migrator',
      watchedStackName: 'db-migrator-database',
      credentials: { host: postgres.host, port: postgres.port, username: postgres.username, password: postgres.password, dbname: databaseName },
    });
    const overrides: EmulatorOverrides = {
      tokens: {
        DB_SECRET_ARN: world.secretArn,
        EVENT_BUS_NAME: world.busName,
        WATCHED_STACKS: [world.migratorStackId, world.watchedStackId].join(','),
      },
      awsEndpoint: moto.endpoint,
      database: { sslMode: 'disable' },
    };
    const event = (): Record<string, unknown> => deployEvent((world as RuntimeWorld).watchedStackId);

    // Untimed: brings the database to head (recording the fingerprint), and fills the page cache with the jars,
    // as a warm-up round.
    const warmUp = await startJavaEmulator(runner, stack.region, overrides);
    try {
      checkSucceeded(await warmUp.invoke(event()), 'some', false);
    } finally {
      await warmUp.stop();
    }

    const samples = { off: emptySamples(), on: emptySamples() };
    for (let round = 1; round <= EMULATOR_ROUNDS; round++) {
      const modes: Array<'off' | 'on'> = round % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of modes) {
        const fastPath = mode === 'on';
        const into = samples[mode];
        const emulator = await startJavaEmulator(fastPath ? runner : withFastPathOff(runner), stack.region, overrides);
        try {
          const first = await emulator.invoke(event());
          checkSucceeded(first, 'none', fastPath);
          if (first.initReportMs === undefined || first.initDurationMs === undefined || first.invokeMs === undefined) {
            throw new Error('the cold invocation carried no INIT REPORT, Init Duration or INVOKE RTDONE');
          }
          into.initReport.push(first.initReportMs);
          into.initDuration.push(first.initDurationMs);
          into.cold.push(first.durationMs);
          into.coldInvoke.push(first.invokeMs);
          into.coldTotal.push(first.initReportMs + first.invokeMs);
          const warmRound: number[] = [];
          for (let i = 0; i < EMULATOR_WARM_INVOCATIONS; i++) {
            const next = await emulator.invoke(event());
            checkSucceeded(next, 'none', fastPath);
            warmRound.push(next.durationMs);
            if (next.invokeMs === undefined) throw new Error('a warm invocation carried no INVOKE RTDONE');
            into.warmInvoke.push(next.invokeMs);
          }
          into.warm.push(...warmRound);
          log(`    round ${round}, fast path ${mode}: INIT REPORT ${first.initReportMs.toFixed(0)} ms, cold Duration `
            + `${first.durationMs.toFixed(0)} ms (invoke ${first.invokeMs.toFixed(0)} ms), warm Duration `
            + `${warmRound.map((d) => d.toFixed(0)).join('/')} ms`);
        } finally {
          await emulator.stop();
        }
      }
    }
    const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0].trim();
    return {
      rounds: EMULATOR_ROUNDS,
      warmInvocationsPerRound: EMULATOR_WARM_INVOCATIONS,
      memorySizeMb: runner.memorySize,
      jvmOptions: java21JvmOptions(runner.memorySize),
      java,
      before: figures(false, samples.off),
      after: figures(true, samples.on),
      cold_total_ratio: pairRatios(samples.on.coldTotal, samples.off.coldTotal),
      loadAverageDuringRun: load(),
      note: 'AWS Lambda Runtime Interface Emulator on this machine, not Lambda; Java 17 in place of the java21 runtime\'s Java 21',
    };
  } finally {
    world?.destroy();
    await Promise.all([moto.stop(), postgres.stop()]);
  }
}
