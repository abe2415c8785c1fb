/**
 * Stable codes let the operator CLI map a refusal to an exit code (2 for a usage error) without
 * parsing messages; the message stays for people.
 */
export type ReplayErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'STACK_NOT_WATCHED'
  | 'STACK_NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'BUS_NOT_FOUND'
  | 'PUBLISH_FAILED';

export class ReplayError extends Error {
  readonly code: ReplayErrorCode;

  constructor(code: ReplayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Lambda reports `name` as errorType to a synchronous caller.
    this.name = 'ReplayError';
    this.code = code;
  }
}

/** Codes that mean the caller asked for something wrong, not that AWS or the deployment failed. */
export function isUsageError(error: unknown): boolean {
  return error instanceof ReplayError && (error.code === 'INPUT_INVALID' || error.code === 'STACK_NOT_WATCHED');
}
