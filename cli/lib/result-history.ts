import { type ParameterHistory, paginateGetParameterHistory, type SSMClient } from '@aws-sdk/client-ssm';
import { awsCall, awsErrorName } from './aws-errors';
import type { MigrationResult } from './migration-result';
import { parseMigrationResult } from './result-schema';

/** One run, i.e. one version of the result parameter; `problems` instead of `result` when it is malformed. */
export interface HistoryEntry {
  readonly version: number;
  readonly modifiedAt: Date | undefined;
  readonly result?: MigrationResult;
  readonly problems?: string[];
}

/**
 * The result parameter's versions, newest first. SSM pages its history oldest first and keeps at most 100
 * versions, so the newest ones are found by reading every page.
 */
export async function readHistory(
  ssm: SSMClient,
  parameterName: string,
  region: string | undefined,
  limit: number,
): Promise<HistoryEntry[] | undefined> {
  const entries: HistoryEntry[] = [];
  const pages = await awsCall(
    `ssm:GetParameterHistory on parameter ${parameterName}`,
    region,
    async (): Promise<ParameterHistory[] | null> => {
      const collected: ParameterHistory[] = [];
      for await (const page of paginateGetParameterHistory({ client: ssm, pageSize: 50 }, { Name: parameterName })) {
        collected.push(...(page.Parameters ?? []));
      }
      return collected;
    },
    (error) => (awsErrorName(error) === 'ParameterNotFound' ? null : undefined),
  );
  if (pages === null) return undefined;
  for (const parameter of pages) {
    if (parameter.Version === undefined || parameter.Value === undefined) continue;
    const check = parseMigrationResult(parameter.Value);
    entries.push({
      version: parameter.Version,
      modifiedAt: parameter.LastModifiedDate,
      ...(check.ok ? { result: check.result } : { problems: check.errors }),
    });
  }
  return entries.sort((a, b) => b.version - a.version).slice(0, limit);
}
