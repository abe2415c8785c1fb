import { awsErrorMessage, awsErrorName, isAccessDenied } from '../../handlers/lib/aws-errors';
import { isUsageError, ReplayError } from '../../handlers/lib/errors';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './errors';

export { awsErrorMessage, awsErrorName };

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'IncompleteSignature',
]);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/.test(code)) return code;
  }
  return undefined;
}

/** EC2 and IAM-style services say UnauthorizedOperation or AuthorizationError where the others say AccessDenied. */
export function isPermissionError(error: unknown): boolean {
  const name = awsErrorName(error);
  return isAccessDenied(error) || name === 'UnauthorizedOperation' || name === 'AuthorizationError';
}

/** A problem with the caller's setup rather than with the migrator: every later AWS call would fail the same way. */
export function isSetupError(error: unknown): boolean {
  const name = awsErrorName(error) ?? '';
  return (
    name === 'CredentialsProviderError' ||
    /could not load credentials|region is missing/i.test(awsErrorMessage(error)) ||
    EXPIRED.has(name) ||
    REJECTED.has(name) ||
    networkCode(error) !== undefined
  );
}

/**
 * Turns an SDK error into a message that says what to do. `action` names the call and its target
 * (e.g. "ssm:GetParameter on parameter /db-migrator/x"), so an access denial tells which permission is missing.
 */
export function explainAwsError(error: unknown, action: string, region?: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ReplayError) {
    const hint = error.code === 'STACK_NOT_FOUND' && region ? ` in ${region}: check --stack and --region` : '';
    return new CliError(`${error.message}${hint}`, isUsageError(error) ? EXIT_USAGE : EXIT_FAILED, { cause: error });
  }
  const name = awsErrorName(error) ?? 'Error';
  const message = awsErrorMessage(error);
  const where = region ? ` in ${region}` : '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new CliError(
      'no AWS credentials found: set AWS_PROFILE (or pass --profile), run `aws sso login` for an SSO profile, ' +
        'or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      EXIT_FAILED,
      { cause: error },
    );
  }
  if (/region is missing/i.test(message)) {
    return new CliError('no AWS region: pass --region or set AWS_REGION', EXIT_FAILED, { cause: error });
  }
  if (EXPIRED.has(name)) {
    return new CliError(`the AWS credentials have expired (${name}): refresh them, e.g. \`aws sso login\``, EXIT_FAILED, {
      cause: error,
    });
  }
  if (REJECTED.has(name)) {
    return new CliError(
      `AWS rejected the credentials${where} (${name}): check that they belong to the right account, are still ` +
        `active, and that the region is enabled for the account`,
      EXIT_FAILED,
      { cause: error },
    );
  }
  if (isPermissionError(error)) {
    return new CliError(
      `access denied: these credentials may not call ${action}${where}. Ask for that permission, or use a role ` +
        `that has it (${message})`,
      EXIT_FAILED,
      { cause: error },
    );
  }
  const network = networkCode(error);
  if (network) {
    const hint =
      network === 'ENOTFOUND' || network === 'EAI_AGAIN'
        ? `is the region right${region ? ` (${region})` : ''}? Check --region / AWS_REGION and AWS_ENDPOINT_URL`
        : 'check your network, proxy and AWS_ENDPOINT_URL';
    return new CliError(`cannot reach AWS for ${action} (${network}): ${hint}`, EXIT_FAILED, { cause: error });
  }
  return new CliError(`${action} failed${where}: ${name}: ${message}`, EXIT_FAILED, { cause: error });
}

/**
 * Runs one AWS call; `expected` turns the errors a caller knows how to explain (a missing parameter, a missing
 * stack) into its own result or error before the generic explanation.
 */
export async function awsCall<T>(
  action: string,
  region: string | undefined,
  call: () => Promise<T>,
  expected?: (error: unknown) => T | CliError | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const handled = expected?.(error);
    if (handled instanceof CliError) throw handled;
    if (handled !== undefined) return handled;
    throw explainAwsError(error, action, region);
  }
}
