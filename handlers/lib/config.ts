import { ReplayError } from './errors';
import { parseWatchedStacks, type WatchedStack } from './watched-stacks';

export interface ReplayConfig {
  readonly eventBusName: string;
  readonly watched: readonly WatchedStack[];
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ReplayError('CONFIG_INVALID', `environment variable ${name} is not set`);
  }
  return value;
}

/** Reads `EVENT_BUS_NAME` and `WATCHED_STACKS`; throws naming the variable that is missing or wrong. */
export function loadReplayConfig(env: Env): ReplayConfig {
  const eventBusName = required(env, 'EVENT_BUS_NAME');
  const watched = parseWatchedStacks(required(env, 'WATCHED_STACKS'), 'WATCHED_STACKS');
  return { eventBusName, watched };
}
