import type { SSMClient } from '@aws-sdk/client-ssm';
import { decodeResult, MalformedResultError, readParameter } from '../result-parameter';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'result parameter';

/** The last result can be read, and is a valid MigrationResult; what the run itself did is `status`'s job. */
export async function checkResultParameter(ssm: SSMClient, parameterName: string, region: string | undefined): Promise<CheckResult> {
  return guarded(NAME, `ssm:GetParameter on ${parameterName}`, async () => {
    const stored = await readParameter(ssm, parameterName, region);
    if (!stored) return pass(NAME, `${parameterName} does not exist yet: no run recorded so far`);
    try {
      const { result } = decodeResult(parameterName, stored);
      return pass(NAME, `${parameterName} version ${stored.version}: last run ${result.status} at ${result.finishedAt}`);
    } catch (error) {
      if (!(error instanceof MalformedResultError)) throw error;
      return fail(
        NAME,
        `version ${stored.version} of ${parameterName} is not a valid MigrationResult: ${error.problems.slice(0, 3).join('; ')}`,
        'only the runner should write it: replay a watched stack to write a fresh result',
      );
    }
  });
}
