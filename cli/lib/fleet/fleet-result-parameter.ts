import type { SSMClient } from '@aws-sdk/client-ssm';
import { CliError } from '../errors';
import { readParameter, type StoredValue } from '../result-parameter';
import type { FleetSummary } from './fleet-summary';
import { parseFleetSummary } from './fleet-summary-schema';

/** One version of the fleet result parameter, decoded. */
export interface StoredSummary {
  readonly version: number;
  readonly modifiedAt: Date | undefined;
  readonly summary: FleetSummary;
}

export class MalformedSummaryError extends CliError {
  constructor(parameterName: string, version: number, problems: string[]) {
    super(
      `version ${version} of parameter ${parameterName} is not a valid FleetSummary ` +
        `(contracts/fleet-summary.schema.json): ${problems.slice(0, 5).join('; ')}` +
        `${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}. ` +
        'Only the fleet state machine should write this parameter: if it was edited by hand, the next fleet run writes a fresh summary',
    );
    this.name = 'MalformedSummaryError';
  }
}

export function decodeSummary(parameterName: string, stored: StoredValue): StoredSummary {
  const check = parseFleetSummary(stored.value);
  if (!check.ok) throw new MalformedSummaryError(parameterName, stored.version, check.errors);
  return { version: stored.version, modifiedAt: stored.modifiedAt, summary: check.summary };
}

/** The latest (or a given) summary; undefined when no fleet run has written one yet. */
export async function readSummary(
  ssm: SSMClient,
  parameterName: string,
  region: string | undefined,
  version?: number,
): Promise<StoredSummary | undefined> {
  const stored = await readParameter(ssm, parameterName, region, version);
  return stored ? decodeSummary(parameterName, stored) : undefined;
}
