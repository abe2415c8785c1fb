/**
 * The runner in AWS's Lambda Runtime Interface Emulator: the emulator's INIT REPORT and the REPORT line's
 * Init Duration and Duration for a cold no-op invocation (a fresh emulator and JVM, the database already at head),
 * then the Duration of warm no-op invocations in the same process. The same harness as the runtime tests
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
import { summarize, type Summary } from './stats';

/** Cold starts measured, each a fresh emulator and JVM; and warm invocations after each cold one. */
export const EMULATOR_ROUNDS = 5;
export const EMULATOR_WARM_INVOCATIONS = 5;

export interface EmulatorResult {
  readonly rounds: number;
  readonly warmInvocationsPerRound: number;
  readonly memorySizeMb: number;
  readonly jvmOptions: string[];
  readonly java: string;
  /** `INIT REPORT(durationMs: …)`, logged by the emulator for the runtime's init phase. */
  readonly init_report_ms: Summary;
  /** `Init Duration` on the first invocation's REPORT line. */
  readonly init_duration_ms: Summary;
  /** REPORT `Duration` of the first (cold) invocation; this emulator counts the wait for the init phase in it. */
  readonly cold_duration_ms: Summary;
  /** `INVOKE RTDONE` duration of the cold invocation: the handler's first run in a fresh JVM, init excluded. */
  readonly cold_invoke_ms: Summary;
  /** REPORT `Duration` of the later invocations in the same JVM. */
  readonly warm_duration_ms: Summary;
  /** `INVOKE RTDONE` duration of the later invocations. */
  readonly warm_invoke_ms: Summary;
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

function checkSucceeded(invocation: Invocation, applied: 'some' | 'none'): void {
  const result = invocation.statusCode === 200 ? JSON.parse(invocation.body) : undefined;
  const ok = result?.status === 'SUCCEEDED' && (applied === 'some' ? result.applied.count > 0 : result.applied.count === 0);
  if (!ok) throw new Error(`the runner did not succeed as expected (${applied} applied): ${invocation.statusCode} ${invocation.body}`);
}

export async function measureEmulator(log: (line: string) => void): Promise<EmulatorResult> {
  const load = watchLoad();
  log('emulator: synthesizing the app (the runner asset is bundled once, then reused)…');
  const stack = synthesizeMigrator();
  const runner: TemplateFunction = functionOfRuntime(stack, 'java21');
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

    // Untimed: brings the database to head, and fills the page cache with the jars, as a warm-up round.
    const warmUp = await startJavaEmulator(runner, stack.region, overrides);
    try {
      checkSucceeded(await warmUp.invoke(event()), 'some');
    } finally {
      await warmUp.stop();
    }

    const initReport: number[] = [];
    const initDuration: number[] = [];
    const cold: number[] = [];
    const coldInvoke: number[] = [];
    const warm: number[] = [];
    const warmInvoke: number[] = [];
    for (let round = 1; round <= EMULATOR_ROUNDS; round++) {
      const emulator = await startJavaEmulator(runner, stack.region, overrides);
      try {
        const first = await emulator.invoke(event());
        checkSucceeded(first, 'none');
        if (first.initReportMs === undefined || first.initDurationMs === undefined || first.invokeMs === undefined) {
          throw new Error('the cold invocation carried no INIT REPORT, Init Duration or INVOKE RTDONE');
        }
        initReport.push(first.initReportMs);
        initDuration.push(first.initDurationMs);
        cold.push(first.durationMs);
        coldInvoke.push(first.invokeMs);
        const warmRound: number[] = [];
        for (let i = 0; i < EMULATOR_WARM_INVOCATIONS; i++) {
          const next = await emulator.invoke(event());
          checkSucceeded(next, 'none');
          warmRound.push(next.durationMs);
          if (next.invokeMs === undefined) throw new Error('a warm invocation carried no INVOKE RTDONE');
          warmInvoke.push(next.invokeMs);
        }
        warm.push(...warmRound);
        log(`    round ${round}: INIT REPORT ${first.initReportMs.toFixed(0)} ms, Init Duration ${first.initDurationMs.toFixed(0)} ms, `
          + `cold Duration ${first.durationMs.toFixed(0)} ms (invoke ${first.invokeMs.toFixed(0)} ms), warm Duration ${warmRound.map((d) => d.toFixed(0)).join('/')} ms`);
      } finally {
        await emulator.stop();
      }
    }
    const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0].trim();
    return {
      rounds: EMULATOR_ROUNDS,
      warmInvocationsPerRound: EMULATOR_WARM_INVOCATIONS,
      memorySizeMb: runner.memorySize,
      jvmOptions: java21JvmOptions(runner.memorySize),
      java,
      init_report_ms: summarize(initReport),
      init_duration_ms: summarize(initDuration),
      cold_duration_ms: summarize(cold),
      cold_invoke_ms: summarize(coldInvoke),
      warm_duration_ms: summarize(warm),
      warm_invoke_ms: summarize(warmInvoke),
      loadAverageDuringRun: load(),
      note: 'AWS Lambda Runtime Interface Emulator on this machine, not Lambda; Java 17 in place of the java21 runtime\'s Java 21',
    };
  } finally {
    world?.destroy();
    await Promise.all([moto.stop(), postgres.stop()]);
  }
}
