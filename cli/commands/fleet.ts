import type { Command } from 'commander';
import type { CommandRunner } from '../lib/command-runner';
import { registerFleetReplay } from './fleet/replay';
import { registerFleetStatus } from './fleet/status';
import { registerFleetStop } from './fleet/stop';

export const FLEET_DESCRIPTION = 'operate a fleet migration (one database or schema per tenant): status, replay, stop';

export function registerFleet(program: Command, runner: CommandRunner): void {
  const fleet = program
    .command('fleet')
    .description(FLEET_DESCRIPTION)
    .addHelpText(
      'after',
      '\nThe fleet commands find the fleet through the outputs of the stack that holds the DatabaseFleetMigrator\n' +
        '(FleetStateMachineArn, FleetResultParameterName, EventBusName, ...): name it with --stack.\n' +
        'Run `db-migrator fleet <command> --help` for a command\'s options.',
    );
  registerFleetStatus(fleet, runner);
  registerFleetReplay(fleet, runner);
  registerFleetStop(fleet, runner);
}
