import * as cdk from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { validationError } from '../migrator-validation';
import type { RunnerSettingsProps } from '../shared/runner-settings';
import type { WatchedStack } from '../watched-stacks';

/**
 * Which secrets the fleet's target runner may read. The manifest names each target's secret, but the runner's
 * IAM decides which secrets it can open: a manifest entry pointing at a secret outside this scope fails
 * (SECRET_UNAVAILABLE) instead of reaching another application's database. Give a tag, a name prefix, or both
 * (both must then hold).
 */
export interface FleetSecretScope {
  /**
   * Secrets carrying this tag (`aws:ResourceTag/<tagKey>` equal to `tagValue`) may be read (attribute-based
   * access control): whoever may tag a secret may add it to the fleet.
   *
   * @default - no tag condition
   */
  readonly tagKey?: string;
  /** The value `tagKey` must have. Required with `tagKey`. @default - none */
  readonly tagValue?: string;
  /**
   * Secrets whose name starts with this prefix may be read (`secret:<prefix>*` in the resource ARN).
   *
   * @default - any name (then `tagKey` is required)
   */
  readonly namePrefix?: string;
  /**
   * Customer-managed KMS keys that encrypt the tenants' secrets: the runner may decrypt with them only through
   * Secrets Manager (`kms:ViaService`). Secrets under the AWS-managed `aws/secretsmanager` key need none.
   *
   * @default - none
   */
  readonly encryptionKeys?: kms.IKey[];
}

/** Props of `DatabaseFleetMigrator`. The runner settings (changelog, timeouts, network) are those of `DatabaseMigrator`. */
export interface DatabaseFleetMigratorProps extends RunnerSettingsProps {
  /**
   * The fleet's name: it names the state machine, the result parameter and the results prefix, and the gate and
   * target runner receive it as `FLEET_NAME`. Letters, digits and `-`, at most 32.
   *
   * @default 'fleet'
   */
  readonly fleetName?: string;
  /** Which secrets the target runner may read (see `FleetSecretScope`). */
  readonly secretScope: FleetSecretScope;
  /**
   * The bucket holding the manifest, a JSON array of `{ id, secretArn, databaseName, schema? }` in rollout order.
   * A tenant-provisioning process may rewrite it at any time; the next fleet run reads it as it then is.
   *
   * @default - a new bucket (encrypted, versioned, TLS only, no public access)
   */
  readonly manifestBucket?: s3.IBucket;
  /** @default 'fleet/manifest.json' */
  readonly manifestKey?: string;
  /**
   * How many targets run at once. Each target run holds at most two connections to its database (the migration
   * session and the session that holds Liquibase's lock row), so the fleet never holds more than
   * `2 × maxConcurrency` connections, however the targets are spread over clusters. The default, 10, keeps that
   * at 20: a few percent of what even a small Aurora Serverless v2 instance allows (PostgreSQL's max_connections
   * there grows with the instance's maximum capacity, in the hundreds at 1 ACU, up to 5,000), and it is a new
   * account's whole Lambda concurrency quota, so the fleet cannot be throttled by itself into failing. Raise it
   * with the account's Lambda quota and the clusters' connection headroom.
   *
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * The canary wave: the first `canarySize` targets in manifest order run first and must all migrate (a FAILED or
   * SKIPPED canary counts as failed) before the others start. `0` turns the wave off.
   *
   * @default 1
   */
  readonly canarySize?: number;
  /**
   * How many targets of the rest of the fleet may fail (or be skipped) before the fleet run is FAILED. Above it,
   * Step Functions stops starting new targets.
   *
   * @default 0 (unless toleratedFailurePercentage is given)
   */
  readonly toleratedFailureCount?: number;
  /**
   * The same as a percentage of the targets of the rest of the fleet (0 to 100). With both, the fleet fails when
   * either is exceeded.
   *
   * @default - none
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * The stacks whose CREATE_COMPLETE or UPDATE_COMPLETE starts a fleet run (as `DatabaseMigrator.watchedStacks`).
   *
   * @default - the stack this construct is in
   */
  readonly watchedStacks?: WatchedStack[];
  /** @default - no e-mail subscriptions */
  readonly alertEmails?: string[];
  /** As `DatabaseMigrator.alarmTopic`. @default - a new topic encrypted with a new customer-managed key */
  readonly alarmTopic?: sns.ITopic;
  /** @default 'db-migrator' */
  readonly eventBusName?: string;
  /**
   * An existing custom bus to use (`eventBusName` is then ignored). Beside a `DatabaseMigrator` in the same
   * account and region, pass its `eventBus`: two buses cannot share the default name.
   *
   * @default - a new bus named `eventBusName`
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The longest one fleet run may take; Step Functions then stops it (TIMED_OUT, alerted).
   *
   * @default Duration.hours(24)
   */
  readonly fleetTimeout?: cdk.Duration;
  /**
   * Stack outputs read by the CLI (`FleetStateMachineArn`, `FleetResultParameterName`, `FleetManifestBucketName`,
   * `FleetManifestKey`, `FleetResultsBucketName`, `EventBusName`), under exactly those ids. Turn off for a second
   * fleet in the same stack, whose ids would collide.
   *
   * @default true
   */
  readonly stackOutputs?: boolean;
}

export const DEFAULT_FLEET_NAME = 'fleet';
export const DEFAULT_MANIFEST_KEY = 'fleet/manifest.json';
export const DEFAULT_MAX_CONCURRENCY = 10;
export const DEFAULT_CANARY_SIZE = 1;
/** Distributed Map's own upper bound on MaxConcurrency. */
const MAX_MAP_CONCURRENCY = 10_000;

export interface FleetSettings {
  readonly fleetName: string;
  readonly manifestKey: string;
  readonly maxConcurrency: number;
  readonly canarySize: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  readonly fleetTimeout: cdk.Duration;
}

/** Checks the fleet's own props at synth, with a message naming the construct. */
export function fleetSettings(scope: Construct, props: DatabaseFleetMigratorProps): FleetSettings {
  const fail = (message: string): never => {
    throw validationError(scope, message);
  };
  const fleetName = props.fleetName ?? DEFAULT_FLEET_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(fleetName)) {
    fail(`fleetName "${fleetName}" must be 1 to 32 letters, digits or -, starting with a letter or digit`);
  }
  const manifestKey = props.manifestKey ?? DEFAULT_MANIFEST_KEY;
  if (!cdk.Token.isUnresolved(manifestKey) && (manifestKey === '' || manifestKey.startsWith('/') || manifestKey.length > 1024)) {
    fail(`manifestKey "${manifestKey}" must be an S3 object key (not empty, no leading /)`);
  }
  const wholeNumber = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value === undefined || cdk.Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) fail(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  };
  const maxConcurrency = props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  wholeNumber('maxConcurrency', maxConcurrency, 1, MAX_MAP_CONCURRENCY);
  const canarySize = props.canarySize ?? DEFAULT_CANARY_SIZE;
  wholeNumber('canarySize', canarySize, 0, MAX_MAP_CONCURRENCY);
  wholeNumber('toleratedFailureCount', props.toleratedFailureCount, 0, Number.MAX_SAFE_INTEGER);
  const percentage = props.toleratedFailurePercentage;
  if (percentage !== undefined && (typeof percentage !== 'number' || !(percentage >= 0 && percentage <= 100))) {
    fail(`toleratedFailurePercentage must be from 0 to 100, got ${percentage}`);
  }
  const fleetTimeout = props.fleetTimeout ?? cdk.Duration.hours(24);
  // A standard workflow runs for at most a year; a fleet run that long has long stopped being a rollout.
  if (!fleetTimeout.isUnresolved() && (fleetTimeout.toSeconds() < 60 || fleetTimeout.toDays({ integral: false }) > 365)) {
    fail(`fleetTimeout must be from 1 minute to 365 days, got ${fleetTimeout.toHumanString()}`);
  }
  checkSecretScope(scope, props.secretScope);
  return {
    fleetName,
    manifestKey,
    maxConcurrency,
    canarySize,
    toleratedFailureCount: props.toleratedFailureCount ?? (percentage === undefined ? 0 : undefined),
    toleratedFailurePercentage: percentage,
    fleetTimeout,
  };
}

function checkSecretScope(scope: Construct, secretScope: FleetSecretScope | undefined): void {
  const fail = (message: string): never => {
    throw validationError(scope, message);
  };
  if (!secretScope) fail('secretScope is required: the tag and/or name prefix of the secrets the fleet may read');
  const { tagKey, tagValue, namePrefix } = secretScope!;
  if ((tagKey === undefined) !== (tagValue === undefined)) fail('secretScope: give tagKey and tagValue together');
  if (tagKey === undefined && namePrefix === undefined) {
    fail('secretScope needs tagKey/tagValue or namePrefix: without one the runner could read every secret of the account');
  }
  if (namePrefix !== undefined && !cdk.Token.isUnresolved(namePrefix) && !/^[A-Za-z0-9/_+=.@-]{1,256}$/.test(namePrefix)) {
    fail(`secretScope.namePrefix "${namePrefix}" is not a secret name prefix (letters, digits and /_+=.@-)`);
  }
  if (tagKey !== undefined && !cdk.Token.isUnresolved(tagKey) && !/^[\p{L}\p{Z}\p{N}_.:/=+@-]{1,128}$/u.test(tagKey)) {
    fail(`secretScope.tagKey "${tagKey}" is not a tag key`);
  }
}
