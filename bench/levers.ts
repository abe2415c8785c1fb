import { HEADLINE_N } from './config';
import type { ChangelogFormat } from './changelog';
import type { LeverResult } from './levers/compare';
import { appCdsLever } from './levers/jvm';
import { sdkClientsLever } from './levers/sdk';
import { snapStartLever, warmPhasesLever } from './levers/warm-path';
import type { HeadState } from './noop';
import type { BenchPostgres } from './postgres';

export interface LeverContext {
  readonly pg: BenchPostgres;
  readonly heads: ReadonlyMap<ChangelogFormat, ReadonlyMap<number, HeadState>>;
  /** Measured rounds per comparison. */
  readonly rounds: number;
  readonly log: (line: string) => void;
}

/**
 * The levers the product does not already pull, each timed before and after at N = 1,000 in this same session.
 * Those that need a runner change are tried from outside the runner (a prototype wrapped around LocalMain) or
 * priced by the phase they would remove; docs/performance.md says which is which. Levers that act on Liquibase
 * (the warm phases, SnapStart priming) are timed on the full path
 * (`--no-fast-path`), the only path that starts Liquibase; the others on the runner as built.
 */
export async function runLevers(ctx: LeverContext): Promise<Record<string, LeverResult>> {
  const yaml = ctx.heads.get('yaml')!.get(HEADLINE_N)!;
  const { log, rounds } = ctx;
  return {
    appcds: await appCdsLever(yaml, rounds, log),
    sdk_clients: await sdkClientsLever(rounds, log),
    warm_path: await warmPhasesLever(yaml, log),
    snapstart: await snapStartLever(yaml, 3, log),
  };
}
