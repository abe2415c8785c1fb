import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsCall, awsErrorName } from './aws-errors';
import { CliError } from './errors';

/** The keys the runner reads from the secret (the shape RDS writes, plus the database name). */
export const SECRET_KEYS = ['host', 'port', 'username', 'password', 'dbname'] as const;

/** What the runner's LocalMain takes in DB_MIGRATOR_SECRET_JSON. */
export interface DatabaseSecret {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
}

function portOf(value: unknown): number | undefined {
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/**
 * The keys that are missing or unusable; it looks at the values only to judge them, so the caller can report
 * on a secret without ever holding its contents.
 */
export function secretProblems(secretString: string | undefined): string[] {
  if (secretString === undefined) return ['the secret has no SecretString (a binary secret?)'];
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return ['the secret is not JSON'];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return ['the secret is not a JSON object'];
  const record = parsed as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of SECRET_KEYS) {
    const value = record[key];
    if (value === undefined || value === null || value === '') problems.push(`missing "${key}"`);
    else if (key === 'port' && portOf(value) === undefined) problems.push('"port" is not a port number');
    else if (key !== 'port' && typeof value !== 'string') problems.push(`"${key}" is not a string`);
  }
  return problems;
}

/** Only the five keys the runner needs: the rest of an RDS secret (engine, cluster id) stays behind. */
export function toDatabaseSecret(secretString: string): DatabaseSecret {
  const record = JSON.parse(secretString) as Record<string, unknown>;
  return {
    host: String(record.host),
    port: portOf(record.port) as number,
    username: String(record.username),
    password: String(record.password),
    dbname: String(record.dbname),
  };
}

/** Reads a database secret from Secrets Manager for a local run; never logs or stores its value. */
export async function fetchDatabaseSecret(
  secretsManager: SecretsManagerClient,
  secretId: string,
  region: string | undefined,
): Promise<DatabaseSecret> {
  const response = await awsCall(
    `secretsmanager:GetSecretValue on secret ${secretId}`,
    region,
    () => secretsManager.send(new GetSecretValueCommand({ SecretId: secretId })),
    (error) =>
      awsErrorName(error) === 'ResourceNotFoundException'
        ? new CliError(`secret ${secretId} does not exist${region ? ` in ${region}` : ''}: check --secret-id and --region`)
        : undefined,
  );
  const problems = secretProblems(response.SecretString);
  if (problems.length > 0) {
    throw new CliError(`secret ${secretId} cannot be used: ${problems.join(', ')}. It needs ${SECRET_KEYS.join(', ')}`);
  }
  return toDatabaseSecret(response.SecretString as string);
}
