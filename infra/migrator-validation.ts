import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The master file the runner opens when `changelogFile` is not given, through a search path rooted at the changelog folder. */
export const CHANGELOG_MASTER_FILE = 'db.changelog-master.yaml';

// Checks that fail at synth with a message naming the construct, rather than minutes into a deploy.

export function validationError(scope: Construct, message: string): Error {
  return new Error(`${scope.node.path}: ${message}`);
}

/** Returns the absolute path of the changelog folder. */
export function checkChangelogDir(scope: Construct, dir: string | undefined, masterFile: string = CHANGELOG_MASTER_FILE): string {
  // Required by the types; a JavaScript app can still leave it out.
  if (typeof dir !== 'string' || dir === '') {
    throw validationError(scope, `changelogDir is required: the folder that holds your ${masterFile}`);
  }
  const absolute = path.resolve(dir);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory()) {
    throw validationError(scope, `changelogDir ${absolute} does not exist or is not a directory`);
  }
  const master = path.join(absolute, masterFile);
  if (!fs.existsSync(master) || !fs.statSync(master).isFile()) {
    throw validationError(scope, `changelogDir ${absolute} has no ${masterFile}, the master file the runner opens` +
      (masterFile === CHANGELOG_MASTER_FILE ? ' (name another with changelogFile)' : ''));
  }
  return absolute;
}

/**
 * The master file's path inside changelogDir, as Liquibase will record it: relative, with forward slashes, and
 * never leaving the folder (Liquibase records included files relative to the folder, so the path is part of
 * every changeset's identity).
 */
export function checkChangelogFile(scope: Construct, file: string | undefined): string {
  if (file === undefined) return CHANGELOG_MASTER_FILE;
  const posix = file.replace(/\\/g, '/');
  if (posix === '' || posix.startsWith('/') || /^[A-Za-z]:/.test(posix) || posix.split('/').includes('..')
      || posix.startsWith('classpath:')) {
    throw validationError(scope, `changelogFile "${file}" must be a relative path inside changelogDir, such as ` +
      `db/changelog/db.changelog-master.yaml (no leading /, no .., no classpath:)`);
  }
  return posix;
}

// A parameter name as a changelog writes it in ${...}: letters, digits, '_', '-' and '.' (names may be dotted).
const CHANGELOG_PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Changelog parameters travel as one JSON environment variable, so they are plain strings that anyone who can
 * read the function's configuration (or the template) can see: never put a secret here.
 */
export function checkChangelogParameters(scope: Construct, parameters: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (!CHANGELOG_PARAMETER_NAME.test(name)) {
      throw validationError(scope, `changelogParameters name "${name}" is not a parameter name (letters, digits, _, - and .; it starts with a letter or _)`);
    }
    if (typeof value !== 'string') {
      throw validationError(scope, `changelogParameters value of "${name}" must be a string`);
    }
    if (cdk.Token.isUnresolved(value)) {
      throw validationError(scope, `changelogParameters value of "${name}" is a token; parameters are plain, non-secret strings fixed at synth`);
    }
  }
}

// PostgreSQL's rule for an unquoted identifier (63 bytes at most).
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

export function checkDatabaseName(scope: Construct, name: string): void {
  if (cdk.Token.isUnresolved(name)) return;
  if (!DATABASE_NAME.test(name)) {
    throw validationError(scope, `databaseName "${name}" is not a plain PostgreSQL identifier (letters, digits, _ and $; at most 63)`);
  }
}

// SSM's rule for parameter names; names starting with "aws" or "ssm" are reserved.
const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;

export function checkParameterName(scope: Construct, name: string): void {
  if (cdk.Token.isUnresolved(name)) return;
  if (!PARAMETER_NAME.test(name) || /^\/?(aws|ssm)/i.test(name) || name.includes('//')) {
    throw validationError(
      scope,
      `resultParameterName "${name}" is not a valid SSM parameter name (letters, digits, _ . - /; not starting with aws or ssm)`,
    );
  }
  if (name.split('/').filter((part) => part !== '').length > 15) {
    throw validationError(scope, `resultParameterName "${name}" is deeper than the 15 levels SSM allows`);
  }
}

const EVENT_BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;

export function checkEventBusName(scope: Construct, name: string): void {
  if (cdk.Token.isUnresolved(name)) return;
  if (!EVENT_BUS_NAME.test(name) || name === 'default') {
    throw validationError(scope, `eventBusName "${name}" is not a valid name for a custom event bus`);
  }
}

export function checkEmails(scope: Construct, emails: readonly string[]): void {
  for (const email of emails) {
    if (!cdk.Token.isUnresolved(email) && !/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email)) {
      throw validationError(scope, `alertEmails entry "${email}" is not an e-mail address`);
    }
  }
}

export function checkReservedConcurrency(scope: Construct, value: number | undefined): void {
  if (value !== undefined && !cdk.Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1)) {
    throw validationError(scope, `reservedConcurrency must be a whole number of at least 1, got ${value}`);
  }
}

const EVENT_SOURCE = /^[A-Za-z0-9._\-/]{1,256}$/;

export function checkEventSource(scope: Construct, source: string): void {
  if (cdk.Token.isUnresolved(source)) return;
  if (!EVENT_SOURCE.test(source) || source.startsWith('aws.')) {
    throw validationError(scope, `eventSource "${source}" is not a valid event source (and must not start with aws.)`);
  }
}

/** The runner must have time left after its connection budget; both budgets must fit in the timeout. */
export function checkBudgets(
  scope: Construct,
  timeout: cdk.Duration,
  connectBudget: cdk.Duration | undefined,
  lockWaitBudget: cdk.Duration | undefined,
): void {
  if (timeout.isUnresolved()) return;
  const seconds = timeout.toSeconds();
  for (const [name, budget] of [['connectBudget', connectBudget], ['lockWaitBudget', lockWaitBudget]] as const) {
    if (!budget || budget.isUnresolved()) continue;
    if (budget.toSeconds() < 1) {
      throw validationError(scope, `${name} must be at least 1 second, got ${budget.toHumanString()}`);
    }
    if (budget.toSeconds() >= seconds) {
      throw validationError(
        scope,
        `${name} (${budget.toHumanString()}) must be shorter than the runner's timeout (${timeout.toHumanString()}): ` +
          'the run needs time left to migrate and to record its result',
      );
    }
  }
}

/** The construct props that set how transactional changesets meet live traffic. */
export interface LockTimeoutProps {
  readonly lockTimeout?: cdk.Duration;
  readonly statementTimeout?: cdk.Duration;
  readonly lockRetryBudget?: cdk.Duration;
}

const LOCK_TIMEOUT_ENV = {
  lockTimeout: 'LOCK_TIMEOUT_SECONDS',
  statementTimeout: 'STATEMENT_TIMEOUT_SECONDS',
  lockRetryBudget: 'LOCK_RETRY_BUDGET_SECONDS',
} as const;

/**
 * Each setting in whole milliseconds and shorter than the runner's timeout, since the runner must still record
 * its result; a retry budget needs a lock timeout to retry after.
 */
export function checkLockTimeouts(scope: Construct, timeout: cdk.Duration, props: LockTimeoutProps): void {
  for (const name of Object.keys(LOCK_TIMEOUT_ENV) as (keyof LockTimeoutProps)[]) {
    const value = props[name];
    if (!value || value.isUnresolved()) continue;
    const ms = value.toMilliseconds({ integral: false });
    if (!Number.isInteger(ms)) {
      throw validationError(scope, `${name} must be a whole number of milliseconds, got ${value.toHumanString()}`);
    }
    if (!timeout.isUnresolved() && ms >= timeout.toMilliseconds()) {
      throw validationError(
        scope,
        `${name} (${value.toHumanString()}) must be shorter than the runner's timeout (${timeout.toHumanString()}): ` +
          'the run needs time left to record its result',
      );
    }
  }
  const { lockTimeout, lockRetryBudget } = props;
  if (lockTimeout && !lockTimeout.isUnresolved() && lockTimeout.toMilliseconds() === 0
      && lockRetryBudget && !lockRetryBudget.isUnresolved() && lockRetryBudget.toMilliseconds() > 0) {
    throw validationError(
      scope,
      `lockRetryBudget (${lockRetryBudget.toHumanString()}) has nothing to retry with lockTimeout 0: ` +
        'without a lock timeout a changeset waits for its locks instead of failing',
    );
  }
}

/** The runner's variables for the lock settings that are given, in seconds (fractions allowed); none of them LIQUIBASE_*. */
export function lockTimeoutEnvironment(props: LockTimeoutProps): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, key] of Object.entries(LOCK_TIMEOUT_ENV) as [keyof LockTimeoutProps, string][]) {
    const value = props[name];
    if (value) env[key] = String(value.toMilliseconds() / 1000);
  }
  return env;
}
