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

/**
 * Both workloads, measured alike: YAML (the format of the project's own changelog) and XML with its XSD declared,
 * as most long-lived changelogs are written. YAML's figures keep the top-level keys of results.json; XML's sit
 * under `xml.`.
 */
export const FORMATS = ['yaml', 'xml'] as const;

/**
 * Whole-process runs per point. The headline gets more, as its ratios carry the goals. Trimmed from 7/5 when the
 * XML workload, the natural-flag arm and the fast-path-off arm came in, to keep `npm run bench` near 30 minutes on
 * a shared 2-core machine.
 */
export const ROUNDS_HEADLINE = 6;
export const ROUNDS = 4;
/** Handler invocations in the warm JVM: the first is cold, the other ten are M3's samples. */
export const WARM_INVOCATIONS = 11;

/**
 * The JVM options the Lambda java21 runtime applies by default (C1 only, serial GC). Every ratio is reported on two
 * flag sets:
 * - **equal** (the headline): runner, stock CLI and floor all on these options;
 * - **natural**: each as it is started in practice: the runner and the floor on these (Lambda applies them), the
 *   stock CLI on the JVM's defaults, as a user starts it.
 */
export const LAMBDA_JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] as const;
export const STOCK_NATURAL_JVM_FLAGS: readonly string[] = [];

export const FLAG_SETS = {
  equal: { runner: LAMBDA_JVM_FLAGS, stock: LAMBDA_JVM_FLAGS, floor: LAMBDA_JVM_FLAGS },
  natural: { runner: LAMBDA_JVM_FLAGS, stock: STOCK_NATURAL_JVM_FLAGS, floor: LAMBDA_JVM_FLAGS },
} as const;

export const LIQUIBASE_VERSION = '4.33.0';
