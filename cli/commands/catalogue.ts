import type { Command } from 'commander';
import type { CommandRunner } from '../lib/command-runner';

export type RegisterCommand = (program: Command, runner: CommandRunner) => void;

export interface CommandEntry {
  readonly name: string;
  /** The same text the command's module registers; a test keeps the two equal. */
  readonly description: string;
  /** Loads the command's module only when it is asked for: the AWS SDK clients alone take most of a second. */
  readonly load: () => RegisterCommand;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'status',
    description: 'show the last MigrationResult: status, reason, applied and pending, duration, trigger and time',
    load: () => (require('./status') as typeof import('./status')).registerStatus,
  },
  {
    name: 'history',
    description: 'list past runs, newest first, one a line (the result parameter\'s version history)',
    load: () => (require('./history') as typeof import('./history')).registerHistory,
  },
  {
    name: 'replay',
    description: 're-run the migration for a watched stack, now (or replay archived deploy events)',
    load: () => (require('./replay') as typeof import('./replay')).registerReplay,
  },
  {
    name: 'fleet',
    description: 'operate a fleet migration (one database or schema per tenant): status, replay, stop',
    load: () => (require('./fleet') as typeof import('./fleet')).registerFleet,
  },
  {
    name: 'doctor',
    description: 'check the deployed migrator: stack, secret, rules, network, dead-letter queue, last result',
    load: () => (require('./doctor') as typeof import('./doctor')).registerDoctor,
  },
  {
    name: 'local',
    description: 'run the migration from this machine: embedded PostgreSQL, a URL, or a secret\'s credentials',
    load: () => (require('./local') as typeof import('./local')).registerLocal,
  },
  {
    name: 'lint',
    description: 'lint the changelog\'s SQL with squawk: changes that break or block live traffic',
    load: () => (require('./lint') as typeof import('./lint')).registerLint,
  },
];

/** Root options that take a value: their value is not a command name. */
const VALUE_OPTIONS = new Set(['--region', '--profile']);

/**
 * The commands a command line names: the first positional word, and the word after `help`. Every other
 * command is listed by name and description only, without loading its module.
 */
export function requestedCommands(argv: readonly string[]): Set<string> {
  const positional: string[] = [];
  for (let i = 0; i < argv.length && positional.length < 2; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) positional.push(arg);
    if (positional.length === 1 && positional[0] !== 'help') break;
  }
  return new Set(positional);
}
