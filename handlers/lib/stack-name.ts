/** CloudFormation's own rule for stack names. */
export const STACK_NAME_PATTERN = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;

export function isValidStackName(value: string): boolean {
  return STACK_NAME_PATTERN.test(value);
}
