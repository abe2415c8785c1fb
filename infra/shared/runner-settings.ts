import * as cdk from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import * as check from '../migrator-validation';
import { RUNNER_CHANGELOG_DIR } from '../runner-code';

/** Lambda's limit of layers per function; the runner's own layer takes one. */
const MAX_LAYERS = 5;

/**
 * How the Java runner runs: its network, its changelog and how it meets live traffic. Shared by the single-database
 * `DatabaseMigrator` and the `DatabaseFleetMigrator`, which run the same runner with the same settings.
 */
export interface RunnerSettingsProps {
  /** The VPC of the database(s). */
  readonly vpc: ec2.IVpc;
  /**
   * Where the runner's network interfaces go. They need a route to the database and to the Secrets Manager,
   * SSM, EventBridge and CloudFormation APIs (a NAT gateway or interface endpoints).
   *
   * @default - the VPC's private subnets with egress if it has any (the APIs are reachable through NAT),
   * otherwise its isolated subnets (which then need the interface endpoints)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The runner's security groups. The database must accept PostgreSQL from them.
   *
   * @default - a new group that allows all outbound traffic; allow it on the database through `connections`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Your changelog: a folder holding `db.changelog-master.yaml` and the files it includes (a relative path is
   * taken from where `cdk` runs). The folder is the runner function's whole code, at /var/task: a changelog
   * edit deploys kilobytes, while the runner's jars stay in their layer.
   */
  readonly changelogDir: string;
  /**
   * The master changelog's path inside `changelogDir`, in any format Liquibase reads (XML, YAML, JSON, formatted
   * SQL). Liquibase records every changeset under its path relative to `changelogDir`, so choose the two to
   * reproduce the paths a database was migrated with before: for Spring Boot's layout, `changelogDir:
   * 'src/main/resources'` and `changelogFile: 'db/changelog/db.changelog-master.yaml'`. A history recorded
   * under other paths is refused (HISTORY_MISMATCH), never re-applied.
   *
   * @default 'db.changelog-master.yaml'
   */
  readonly changelogFile?: string;
  /**
   * Values for the changelog's `${name}` parameters (names may contain dots). Only these and the changelog's own
   * `property` entries resolve `${…}`: environment variables and system properties never do. They reach the
   * runner as one JSON environment variable (`CHANGELOG_PARAMETERS`), visible in the template and the
   * function's configuration: never put a secret here. A changeset that still holds an unresolved `${…}` fails
   * the run before anything is applied.
   *
   * @default - none
   */
  readonly changelogParameters?: Record<string, string>;
  /**
   * More layers for the runner, beside its own: jars under `java/lib/` in a layer (Liquibase extensions, custom
   * change classes, another JDBC driver) join the runner's classpath, since the java21 runtime puts
   * `/opt/java/lib/*.jar` on it. At most four (Lambda allows five layers, and the runner's is one).
   *
   * @default - none
   */
  readonly extraLayers?: lambda.ILayerVersion[];
  /**
   * Liquibase contexts, comma-separated (env `CHANGELOG_CONTEXTS`), set before the changelog is parsed, so
   * context-bound properties and includes resolve as the stock CLI's `--contexts` resolves them.
   *
   * @default - none
   */
  readonly contexts?: string;
  /** A Liquibase label expression (env `CHANGELOG_LABELS`). @default - none */
  readonly labels?: string;
  /**
   * Whether a run with nothing to do may answer from the fingerprint the last verified run recorded in the
   * database (table `db_migrator_fingerprint`), without starting Liquibase. Any doubt takes the full Liquibase
   * path anyway; `false` (env `FAST_PATH=false`) always takes it, and records no fingerprint.
   *
   * @default true
   */
  readonly fastPath?: boolean;
  /**
   * How long a run waits for the database's advisory lock before it gives up with SKIPPED/LOCK_TIMEOUT
   * (env `LOCK_WAIT_BUDGET_SECONDS`).
   *
   * @default - the runner's own default
   */
  readonly lockWaitBudget?: cdk.Duration;
  /**
   * The `lock_timeout` of every transactional changeset (env `LOCK_TIMEOUT_SECONDS`). A changeset that waits
   * longer for a lock is rolled back whole and the update is retried with backoff within `lockRetryBudget`, so a
   * blocked `ALTER TABLE` never queues the application's queries behind it for longer than this. Changesets with
   * `runInTransaction: false` (such as `CREATE INDEX CONCURRENTLY`) run without it and are never retried.
   * `Duration.seconds(0)` turns it off: a changeset then waits for its locks as long as it takes.
   *
   * @default Duration.seconds(5)
   */
  readonly lockTimeout?: cdk.Duration;
  /**
   * The `statement_timeout` of every transactional changeset (env `STATEMENT_TIMEOUT_SECONDS`). A changeset that
   * runs longer fails and is rolled back; it is not retried.
   *
   * @default - none: data migrations may be long
   */
  readonly statementTimeout?: cdk.Duration;
  /**
   * How long a run keeps retrying after a changeset timed out on a lock, counted from the first lock timeout
   * (env `LOCK_RETRY_BUDGET_SECONDS`); always inside `timeout`. When it runs out the run ends FAILED with
   * `LOCK_CONTENDED`, naming the session that held the lock. `Duration.seconds(0)` never retries.
   *
   * @default Duration.minutes(2)
   */
  readonly lockRetryBudget?: cdk.Duration;
  /**
   * How long a run keeps retrying its connection while Aurora resumes from 0 ACU (env `CONNECT_BUDGET_SECONDS`).
   * Must be shorter than `timeout`.
   *
   * @default - the runner's own default
   */
  readonly connectBudget?: cdk.Duration;
  /**
   * The budget of one run. A large migration must not be cut off halfway, and the runner also waits out Aurora's
   * resume from 0 ACU.
   *
   * @default Duration.minutes(15), Lambda's maximum
   */
  readonly timeout?: cdk.Duration;
  /**
   * Lambda's CPU share grows with memory, and JVM start-up and Liquibase's changelog parsing are CPU-bound.
   *
   * @default 1024
   */
  readonly memorySize?: number;
}

/** The checked settings, and the runner environment they make (without any database or target variable). */
export interface RunnerSettings {
  /** The changelog folder, absolute. */
  readonly changelogDir: string;
  readonly extraLayers: lambda.ILayerVersion[];
  readonly timeout: cdk.Duration;
  readonly memorySize: number;
  /** CHANGELOG_*, FAST_PATH, LOCK_*, STATEMENT_TIMEOUT_SECONDS, CONNECT_BUDGET_SECONDS. */
  readonly environment: Record<string, string>;
}

/** Checks the props at synth (a message naming `scope`, not a failed deploy) and builds the runner's environment. */
export function runnerSettings(scope: Construct, props: RunnerSettingsProps): RunnerSettings {
  const changelogFile = check.checkChangelogFile(scope, props.changelogFile);
  const changelogDir = check.checkChangelogDir(scope, props.changelogDir, changelogFile);
  check.checkChangelogParameters(scope, props.changelogParameters);
  const extraLayers = props.extraLayers ?? [];
  if (extraLayers.length > MAX_LAYERS - 1) {
    throw check.validationError(scope, `extraLayers holds ${extraLayers.length} layers; Lambda allows ${MAX_LAYERS} per function, and the runner's own is one`);
  }
  const timeout = props.timeout ?? cdk.Duration.minutes(15);
  check.checkBudgets(scope, timeout, props.connectBudget, props.lockWaitBudget);
  check.checkLockTimeouts(scope, timeout, props);

  const environment: Record<string, string> = { CHANGELOG_DIR: RUNNER_CHANGELOG_DIR };
  if (changelogFile !== check.CHANGELOG_MASTER_FILE) environment.CHANGELOG_FILE = changelogFile;
  if (props.contexts !== undefined) environment.CHANGELOG_CONTEXTS = props.contexts;
  if (props.labels !== undefined) environment.CHANGELOG_LABELS = props.labels;
  if (props.fastPath === false) environment.FAST_PATH = 'false';
  if (props.changelogParameters && Object.keys(props.changelogParameters).length > 0) {
    environment.CHANGELOG_PARAMETERS = JSON.stringify(props.changelogParameters);
  }
  if (props.lockWaitBudget) environment.LOCK_WAIT_BUDGET_SECONDS = String(props.lockWaitBudget.toSeconds());
  if (props.connectBudget) environment.CONNECT_BUDGET_SECONDS = String(props.connectBudget.toSeconds());
  Object.assign(environment, check.lockTimeoutEnvironment(props));
  return { changelogDir, extraLayers, timeout, memorySize: props.memorySize ?? 1024, environment };
}
