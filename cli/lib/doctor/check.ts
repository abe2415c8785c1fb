import { awsErrorMessage, awsErrorName, isPermissionError, isSetupError } from '../aws-errors';
import { CliError } from '../errors';

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One line of the doctor's report: what was checked, what was found and, on failure, what to do. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

/**
 * A check that cannot make its AWS calls fails with the reason, so the other checks still run; missing
 * credentials or region are not one check's problem, so they end the doctor with the usual explanation.
 */
export async function guarded(name: string, permission: string, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    // The library wraps SDK errors in CliError; the SDK error inside decides what kind of problem it is.
    const cause = error instanceof CliError && error.cause !== undefined ? error.cause : error;
    if (isSetupError(cause)) throw error;
    if (isPermissionError(cause)) {
      return fail(
        name,
        `access denied: ${awsErrorMessage(cause)}`,
        `grant the caller ${permission}; the doctor needs it to run this check`,
      );
    }
    if (error instanceof CliError) return fail(name, error.message, 'follow the advice in the detail');
    return fail(
      name,
      `${awsErrorName(error) ?? 'Error'}: ${awsErrorMessage(error)}`,
      'retry; if it persists, look at the service in the AWS console',
    );
  }
}
