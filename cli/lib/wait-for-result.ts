import type { SSMClient } from '@aws-sdk/client-ssm';
import { CliError } from './errors';
import type { MigrationResult } from './migration-result';
import { decodeResult, readParameter, type StoredResult } from './result-parameter';

export interface WaitOptions {
  readonly ssm: SSMClient;
  readonly parameterName: string;
  readonly region: string | undefined;
  /** The version that was current before the request; 0 when the parameter did not exist. */
  readonly afterVersion: number;
  /**
   * Which result ends the wait: another run (a deploy, someone else's replay) may write the parameter first,
   * and its result is not the answer to this request. By default any newer result does.
   */
  readonly accept?: (result: MigrationResult) => boolean;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onPoll?: (elapsedMs: number) => void;
  readonly onOtherRun?: (stored: StoredResult) => void;
}

/** Polls the result parameter until the awaited run has written its result, or the time is up. */
export async function waitForResult(options: WaitOptions): Promise<StoredResult> {
  const { ssm, parameterName, region } = options;
  const started = options.now();
  let seen = options.afterVersion;
  for (;;) {
    const latest = await readParameter(ssm, parameterName, region);
    if (latest && latest.version > seen) {
      // Versions written between two polls are read one by one, so a quick later run cannot hide ours.
      for (let version = seen + 1; version <= latest.version; version++) {
        const stored = version === latest.version ? latest : await readParameter(ssm, parameterName, region, version);
        if (!stored) continue;
        const decoded = decodeResult(parameterName, stored);
        if (!options.accept || options.accept(decoded.result)) return decoded;
        options.onOtherRun?.(decoded);
      }
      seen = latest.version;
    }
    const elapsed = options.now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new CliError(
        `no result after ${Math.round(options.timeoutMs / 1000)} s: parameter ${parameterName} is still at ` +
          `version ${seen || 'none'}. The run may still be going (Aurora resuming, a long changeset): check ` +
          '`db-migrator status` later; if nothing arrives, see the runner logs and `db-migrator doctor`',
      );
    }
    options.onPoll?.(elapsed);
    await options.sleep(Math.min(options.pollMs, options.timeoutMs - elapsed));
  }
}
