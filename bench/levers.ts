import { HEADLINE_N, ROUNDS } from './config';
import { trimLever } from './levers/artifact';
import { fastPathLever } from './levers/fast-path';
import type { LeverResult } from './levers/compare';
import { appCdsLever, jvmFlagsLever, loggingLever } from './levers/jvm';
import { sdkClientsLever } from './levers/sdk';
import { frozenConfigLever, snapStartLever, warmPhasesLever } from './levers/warm-path';
import { xmlValidationLever } from './levers/xml';
import type { HeadState } from './noop';
import type { BenchPostgres } from './postgres';

export interface LeverContext {
  readonly pg: BenchPostgres;
  readonly heads: ReadonlyMap<number, HeadState>;
  readonly log: (line: string) => void;
}

/**
 * The levers of the issue, each timed before and after at N = 1,000 in this same session. Those that need a
 * runner change are tried from outside the runner (a prototype wrapped around LocalMain, a trimmed copy of the
 * layout) or priced by the phase they would remove; docs/performance.md says which is which.
 */
export async function runLevers(ctx: LeverContext): Promise<Record<string, LeverResult>> {
  const head = ctx.heads.get(HEADLINE_N)!;
  const small = ctx.heads.get(Math.min(...ctx.heads.keys()))!;
  const { log } = ctx;
  return {
    jvm_flags: await jvmFlagsLever(head, ROUNDS, log),
    appcds: await appCdsLever(head, ROUNDS, log),
    trimmed_dependencies: await trimLever(ctx.pg, head, small, ROUNDS, log),
    sdk_clients: await sdkClientsLever(ROUNDS, log),
    frozen_config: await frozenConfigLever(head, ROUNDS, log),
    warm_path: await warmPhasesLever(head, log),
    xml_validation: await xmlValidationLever(ctx.pg, HEADLINE_N, ROUNDS, log),
    logging: await loggingLever(head, ROUNDS, log),
    snapstart: await snapStartLever(head, 3, log),
    fast_path: await fastPathLever(head, ROUNDS, log),
  };
}
