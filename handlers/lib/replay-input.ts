import { ReplayError } from './errors';
import { isValidStackName } from './stack-name';

export const MAX_REASON_LENGTH = 256;

/** A validated replay request; also exactly the detail of the event, so nothing else can ride along. */
export interface ReplayInput {
  readonly stackName: string;
  readonly dryRun: boolean;
  readonly reason: string | null;
}

const KNOWN_FIELDS = new Set(['stackName', 'dryRun', 'reason']);

function invalid(message: string): ReplayError {
  return new ReplayError('INPUT_INVALID', `invalid replay request: ${message}`);
}

/**
 * Unknown fields are refused rather than dropped: a caller who sends `changelog` or `database` must learn
 * that a replay cannot choose them, instead of believing it did.
 */
export function parseReplayInput(input: unknown): ReplayInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('expected a JSON object like {"stackName": "MyStack", "dryRun": false, "reason": "..."}');
  }
  const record = input as Record<string, unknown>;

  const extra = Object.keys(record).filter((key) => !KNOWN_FIELDS.has(key));
  if (extra.length > 0) {
    throw invalid(`unknown field(s) ${extra.join(', ')}; a replay accepts only stackName, dryRun and reason`);
  }

  const { stackName, dryRun, reason } = record;
  if (stackName === undefined || stackName === null || stackName === '') {
    throw invalid('stackName is required');
  }
  if (typeof stackName !== 'string') {
    throw invalid(`stackName must be a string, got ${typeof stackName}`);
  }
  if (!isValidStackName(stackName)) {
    throw invalid(
      `stackName "${stackName}" is not a CloudFormation stack name (a letter, then letters, digits or hyphens, at most 128)`,
    );
  }
  if (dryRun !== undefined && typeof dryRun !== 'boolean') {
    throw invalid(`dryRun must be true or false, got ${JSON.stringify(dryRun)}`);
  }
  if (reason !== undefined && reason !== null && typeof reason !== 'string') {
    throw invalid(`reason must be a string, got ${typeof reason}`);
  }
  if (typeof reason === 'string' && reason.length > MAX_REASON_LENGTH) {
    throw invalid(`reason is ${reason.length} characters; at most ${MAX_REASON_LENGTH} fit in the run record`);
  }

  const trimmedReason = typeof reason === 'string' ? reason.trim() : '';
  return { stackName, dryRun: dryRun ?? false, reason: trimmedReason === '' ? null : trimmedReason };
}
