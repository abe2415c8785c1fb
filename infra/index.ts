// The package's main entry point: the construct and its helpers. The demo app of this repository (its network,
// database and migrator stacks, infra/app.ts) is not part of the package.
export * from './database-migrator';
export * from './watched-stacks';
export * from './migration-alerts';
export { RUNNER_CHANGELOG_DIR } from './runner-code';
export { CHANGELOG_MASTER_FILE } from './migrator-validation';
export { DatabaseFleetMigrator, FLEET_GATE_HANDLER, FLEET_TARGET_HANDLER, FLEET_REPLAY_DETAIL_TYPE } from './fleet/database-fleet-migrator';
export {
  type DatabaseFleetMigratorProps,
  type FleetSecretScope,
  DEFAULT_CANARY_SIZE,
  DEFAULT_FLEET_NAME,
  DEFAULT_MANIFEST_KEY,
  DEFAULT_MAX_CONCURRENCY,
} from './fleet/fleet-props';
export { FLEET_DETAIL_TYPES } from './fleet/fleet-definition';
export type { RunnerSettingsProps } from './shared/runner-settings';
