import { ReplayError } from './errors';

/**
 * One entry of the watched list, as the deployed rule sees it: a stack of the same app is watched by its
 * exact stack id, a stack outside it by name, i.e. the stack-id prefix that ends after `<name>/`.
 */
export interface WatchedStack {
  readonly entry: string;
  readonly stackName: string;
  /** `exact`: only this stack id; `prefix`: any stack with this name in this region and account. */
  readonly kind: 'exact' | 'prefix';
}

const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/([A-Za-z][-A-Za-z0-9]{0,127})\/([A-Za-z0-9-]*)$/;

/** Parses the comma-separated list; `source` names where it came from so a bad entry is easy to find. */
export function parseWatchedStacks(value: string, source = 'WATCHED_STACKS'): WatchedStack[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new ReplayError('CONFIG_INVALID', `${source} lists no stacks; it needs at least one stack id or stack-id prefix`);
  }
  return entries.map((entry) => {
    const match = STACK_ARN.exec(entry);
    if (!match) {
      throw new ReplayError(
        'CONFIG_INVALID',
        `${source} entry "${entry}" is neither a stack id (arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>) ` +
          `nor a stack-id prefix (arn:aws:cloudformation:<region>:<account>:stack/<name>/)`,
      );
    }
    return { entry, stackName: match[1], kind: match[2] === '' ? 'prefix' : 'exact' };
  });
}

export function watchedByName(watched: readonly WatchedStack[], stackName: string): WatchedStack[] {
  return watched.filter((w) => w.stackName === stackName);
}

/**
 * Matches the way the deployed rule matches CloudFormation's events, so a replay can reach only the stacks
 * a deploy can: an exact entry only its own stack id (a stack deleted and recreated under the same name is a
 * different stack), a prefix entry any id in its region and account.
 */
export function matchesStackId(watched: WatchedStack, stackId: string): boolean {
  return watched.kind === 'exact' ? stackId === watched.entry : stackId.startsWith(watched.entry);
}

export function isStackIdWatched(watched: readonly WatchedStack[], stackId: string): boolean {
  return watched.some((w) => matchesStackId(w, stackId));
}
