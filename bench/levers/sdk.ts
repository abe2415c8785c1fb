import { LAMBDA_JVM_FLAGS, runnerLibDir } from '../config';
import { harnessClasses } from '../java';
import { baseEnv, failure, runMeasured } from '../measure';
import { summarize } from '../stats';
import type { LeverResult } from './compare';

type Log = (line: string) => void;

/**
 * What the Lambda handler's constructor adds to a cold start and the local runner process does not pay:
 * building the four SDK clients (UrlConnection HTTP client), timed in fresh JVMs by bench/java/SdkClientsProbe.
 */
export async function sdkClientsLever(rounds: number, log: Log): Promise<LeverResult> {
  log('lever: SDK client creation (what a Lambda cold start adds to M1)');
  const runs: Array<{ firstClientMs: number; nextThreeMs: number; allFourMs: number }> = [];
  for (let i = 0; i <= rounds; i++) {
    const sample = await runMeasured({ cmd: 'java', args: [...LAMBDA_JVM_FLAGS, '-cp',
      `${harnessClasses.warm}:${runnerLibDir}/*`, 'SdkClientsProbe'], env: baseEnv() });
    if (sample.exitCode !== 0) throw failure('the SDK client probe failed', sample);
    if (i > 0) runs.push(JSON.parse(sample.stdout.trim()));
  }
  const all = summarize(runs.map((r) => r.allFourMs));
  const first = summarize(runs.map((r) => r.firstClientMs));
  return {
    title: 'SDK clients: UrlConnection, created eagerly',
    kind: 'estimate',
    helps: false,
    comparisons: [{
      measure: 'building Secrets Manager, SSM, EventBridge and CloudFormation clients, cold',
      before: `${Math.round(all.median)} ms [${Math.round(all.min)}–${Math.round(all.max)}]`,
      after: `first client ${Math.round(first.median)} ms`,
      data: { all_four_ms: all, first_client_ms: first, next_three_ms: summarize(runs.map((r) => r.nextThreeMs)) },
    }],
    note: 'Every run, a no-op included, reads the secret, writes SSM and publishes to EventBridge (and the gate '
      + 'calls CloudFormation), so creating clients lazily moves this cost but does not remove it. The first client '
      + 'pays for the SDK core; the UrlConnection client is already the lightest the SDK ships.',
  };
}
