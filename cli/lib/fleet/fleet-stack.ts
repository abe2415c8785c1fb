import { CliError } from '../errors';
import type { MigratorStack } from '../stack-outputs';

/** The outputs a stack with a DatabaseFleetMigrator has; the fleet commands read nothing else to find it. */
export const FLEET_OUTPUTS = [
  'FleetStateMachineArn',
  'FleetResultParameterName',
  'FleetManifestBucketName',
  'FleetManifestKey',
  'FleetResultsBucketName',
  'EventBusName',
] as const;

export type FleetOutputName = (typeof FLEET_OUTPUTS)[number];

/** One fleet output by name, or an error that says which stack to name instead. */
export function requireFleetOutput(stack: MigratorStack, name: FleetOutputName): string {
  const value = stack.outputs[name];
  if (value) return value;
  const present = Object.keys(stack.outputs);
  const has = present.length > 0 ? `its outputs are ${present.join(', ')}` : 'it has no outputs';
  throw new CliError(
    `stack ${stack.stackName} has no output ${name} (${has}). Is it the stack that holds the fleet migrator ` +
      '(DatabaseFleetMigrator)? Name that stack with --stack (--migrator-stack for fleet replay), or redeploy it',
  );
}
