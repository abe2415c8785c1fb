import { GetParameterCommand, type GetParameterCommandOutput, type SSMClient } from '@aws-sdk/client-ssm';
import { awsCall, awsErrorName } from './aws-errors';
import { CliError } from './errors';
import type { MigrationResult } from './migration-result';
import { parseMigrationResult } from './result-schema';

/** One version of the result parameter, as stored. */
export interface StoredValue {
  readonly version: number;
  readonly modifiedAt: Date | undefined;
  readonly value: string;
}

export interface StoredResult {
  readonly version: number;
  readonly modifiedAt: Date | undefined;
  readonly result: MigrationResult;
}

function notFound(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'ParameterNotFound' || name === 'ParameterVersionNotFound';
}

/** The latest version, or a given one; undefined when the runner has not written it (yet). */
export async function readParameter(
  ssm: SSMClient,
  name: string,
  region: string | undefined,
  version?: number,
): Promise<StoredValue | undefined> {
  const response = await awsCall<GetParameterCommandOutput>(
    `ssm:GetParameter on parameter ${name}`,
    region,
    () => ssm.send(new GetParameterCommand({ Name: version === undefined ? name : `${name}:${version}` })),
    // An empty answer stands for "not written yet", which callers report in their own words.
    (error) => (notFound(error) ? { $metadata: {} } : undefined),
  );
  const parameter = response.Parameter;
  if (!parameter || parameter.Value === undefined || parameter.Version === undefined) return undefined;
  return { version: parameter.Version, modifiedAt: parameter.LastModifiedDate, value: parameter.Value };
}

export class MalformedResultError extends CliError {
  constructor(
    readonly parameterName: string,
    readonly version: number,
    readonly problems: string[],
  ) {
    super(
      `version ${version} of parameter ${parameterName} is not a valid MigrationResult ` +
        `(contracts/migration-result.schema.json): ${problems.slice(0, 5).join('; ')}` +
        `${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}. ` +
        'Only the runner should write this parameter: if it was edited by hand, a replay writes a fresh result',
    );
    this.name = 'MalformedResultError';
  }
}

/** Schema-checks a stored value, so a hand-edited or foreign value is reported instead of misread. */
export function decodeResult(parameterName: string, stored: StoredValue): StoredResult {
  const check = parseMigrationResult(stored.value);
  if (!check.ok) throw new MalformedResultError(parameterName, stored.version, check.errors);
  return { version: stored.version, modifiedAt: stored.modifiedAt, result: check.result };
}

export function noResultYet(parameterName: string): CliError {
  return new CliError(
    `no run recorded yet: parameter ${parameterName} does not exist. The runner creates it on its first run, ` +
      'after a watched stack deploys; `db-migrator replay --stack <watched stack>` starts one now',
  );
}
