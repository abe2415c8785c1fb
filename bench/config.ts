import { join } from 'node:path';

export const repoRoot = join(__dirname, '..');
export const benchDir = __dirname;
/** Scratch space, ignored by git: generated changelogs, downloaded jars, compiled harness classes, results of runs. */
export const workDir = join(benchDir, 'work');
/** Where Maven lays out the runner for Lambda. */
export const runnerBuildLibDir = join(repoRoot, 'liquibase-runner', 'target', 'lambda', 'lib');
/**
 * The copy of that layout every measurement uses, taken once at start: a rebuild of the runner during a run must
 * not mix two builds in one set of figures, nor invalidate an AppCDS archive half-way.
 */
export const runnerLibDir = join(workDir, 'runner', 'lib');
export const sampleEvent = join(repoRoot, 'cli', 'local', 'sample-events', 'stack-update-complete.json');
export const resultsFile = join(benchDir, 'results.json');

/** N = 1,000 is the headline; 100 and 5,000 make the growth curve. */
export const HEADLINE_N = 1000;
export const GROWTH_NS = [100, 1000, 5000] as const;

/** Whole-process runs per point. The headline gets more, as its ratios carry the goals. */
export const ROUNDS_HEADLINE = 7;
export const ROUNDS = 5;
/** Handler invocations in the warm JVM: the first is cold, the other ten are M3's samples. */
export const WARM_INVOCATIONS = 11;

/**
 * The JVM options the Lambda java21 runtime applies by default (C1 only, serial GC). The runner and the floor
 * run with them, so the bench times what Lambda runs. The stock CLI runs with the JVM's own defaults, as a user
 * would start it; the levers also time it with these options, for a like-for-like ratio.
 */
export const LAMBDA_JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] as const;

export const LIQUIBASE_VERSION = '4.33.0';
