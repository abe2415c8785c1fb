/** The SDK signals service errors by `name`; the query (CloudFormation) and JSON (EventBridge) protocols spell access denial differently. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isAccessDenied(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'AccessDenied' || name === 'AccessDeniedException';
}

export function awsErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
