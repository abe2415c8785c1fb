import type { Construct } from 'constructs';

/**
 * The app's context parameters, set with `cdk synth -c key=value` or in cdk.json's "context":
 *
 * - `alertEmails`: comma-separated e-mail addresses subscribed to the alert topic. Default: none.
 * - `watchedStacks`: comma-separated names of extra stacks OUTSIDE this app whose deploys also trigger a
 *   migration. The app's own database and migrator stacks are always watched. Default: none.
 * - `maxCapacity`: Aurora Serverless v2 maximum capacity in ACU. Default: 2.
 * - `databaseName`: the database the cluster creates and the changelog migrates. Default: `demo`.
 * - `deletionProtection`: `true` to protect the cluster from deletion. Default: false, so the demo can be
 *   torn down with one `cdk destroy`.
 */
export interface AppSettings {
  readonly alertEmails: string[];
  readonly watchedStacks: string[];
  readonly maxCapacity: number;
  readonly databaseName: string;
  readonly deletionProtection: boolean;
}

export const DEFAULT_SETTINGS = {
  maxCapacity: 2,
  databaseName: 'demo',
} as const;

export function readAppSettings(scope: Construct): AppSettings {
  const get = (key: string): unknown => scope.node.tryGetContext(key);
  return {
    alertEmails: readList('alertEmails', get('alertEmails')),
    watchedStacks: readList('watchedStacks', get('watchedStacks')),
    maxCapacity: readNumber('maxCapacity', get('maxCapacity'), DEFAULT_SETTINGS.maxCapacity),
    databaseName: readString('databaseName', get('databaseName'), DEFAULT_SETTINGS.databaseName),
    deletionProtection: readBoolean('deletionProtection', get('deletionProtection'), false),
  };
}

// `-c` always yields strings, while cdk.json may hold arrays, numbers and booleans: accept both.

function readList(key: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || items.some((item) => typeof item !== 'string')) {
    throw new Error(`context "${key}" must be a comma-separated string or a list of strings`);
  }
  return (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
}

function readNumber(key: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(parsed)) {
    throw new Error(`context "${key}" must be a number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function readString(key: string, value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`context "${key}" must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function readBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`context "${key}" must be true or false, got ${JSON.stringify(value)}`);
}
