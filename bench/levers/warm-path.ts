import type { HeadState } from '../noop';
import { summarize } from '../stats';
import { runWarm, WarmRun } from '../warm';
import { fmtRatio, LeverResult } from './compare';

type Log = (line: string) => void;

const ms = (value: number): string => `${Math.round(value)} ms`;

/**
 * Where a warm no-op's time goes on the full path (a fallback of the fast path), timed phase by phase in a warm JVM
 * (bench/java/PhaseProbe.java). Caching the parsed changelog removes the parse; skipping the second
 * listUnrunChangeSets after a successful update (pending is then empty) removes that call. Estimates: the
 * runner is not changed, the phases are subtracted from the measured M3.
 */
export async function warmPhasesLever(head: HeadState, log: Log): Promise<LeverResult> {
  log('lever: phases of a warm no-op on the full path (changelog cache, second listUnrunChangeSets)');
  const plain = await runWarm(head.db, head.changelog, { fastPath: false, phases: 10 });
  const line = (label: string, run: WarmRun, minus: readonly string[]): { measure: string; before: string; after: string;
    ratio: string; data: Record<string, unknown> } => {
    const saved = minus.reduce((sum, phase) => sum + (run.phasesMs[phase] ?? 0), 0);
    const estimate = Math.max(0, run.warm.median - saved);
    return { measure: `M3 warm no-op, fast path off, ${label} (est.)`, before: ms(run.warm.median), after: ms(estimate),
      ratio: (estimate / run.warm.median).toFixed(2), data: { phases_ms: run.phasesMs, warm_ms: run.warm } };
  };
  return {
    title: 'Warm path: cache the parsed changelog, skip the second pending query',
    kind: 'estimate',
    helps: true,
    comparisons: [
      line('cache the parsed changelog', plain, ['parseChangelog']),
      line('skip listUnrunChangeSets after success', plain, ['listUnrunChangeSets']),
      line('both', plain, ['parseChangelog', 'listUnrunChangeSets']),
    ],
    note: `Phases (ms, warm, as built; the last two are the fast path's own): ${JSON.stringify(plain.phasesMs)}.`,
  };
}

/**
 * SnapStart, simulated, on the full path (what a fallback or an apply pays): a snapshot is taken after init, so a restored function pays the restore and then its
 * first invocation. Without priming, that first invocation loads and compiles the Liquibase path; with priming
 * (parse and checksum the changelog before the snapshot, no database) less of it. Restore time itself cannot be
 * measured here.
 */
export async function snapStartLever(head: HeadState, rounds: number, log: Log): Promise<LeverResult> {
  log('lever: SnapStart priming on the full path (init vs first invocation, simulated)');
  const unprimed: WarmRun[] = [];
  const primed: WarmRun[] = [];
  for (let i = 0; i < rounds; i++) {
    unprimed.push(await runWarm(head.db, head.changelog, { fastPath: false, invocations: 2 }));
    primed.push(await runWarm(head.db, head.changelog, { fastPath: false, invocations: 2, prime: true }));
  }
  const first = (runs: WarmRun[]) => summarize(runs.map((r) => r.firstMs));
  const coldTotal = (runs: WarmRun[]) => summarize(runs.map((r) => r.jvmToMainMs + r.initMs + r.firstMs));
  const before = first(unprimed);
  const after = first(primed);
  const ratios = summarize(primed.map((r, i) => r.firstMs / unprimed[i].firstMs));
  return {
    title: 'SnapStart priming (simulated, full path)',
    kind: 'prototype',
    helps: ratios.max < 1,
    comparisons: [
      { measure: 'fast path off: cold start without SnapStart (JVM + init + first invocation)', before: ms(coldTotal(unprimed).median),
        after: '', data: { ms: coldTotal(unprimed) } },
      { measure: 'fast path off: first invocation after restore, unprimed → primed', before: ms(before.median), after: ms(after.median),
        ratio: fmtRatio(ratios), data: { unprimed_ms: before, primed_ms: after,
          prime_ms: summarize(primed.map((r) => r.primeMs)) } },
    ],
    note: 'Add the restore time (not measurable locally) to both sides. The connection is opened in the invocation, '
      + 'never carried across the snapshot.',
  };
}
