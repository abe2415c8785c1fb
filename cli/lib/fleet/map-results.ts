import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsCall, awsErrorName } from '../aws-errors';
import { CliError } from '../errors';

/** A target whose run did not migrate it, as the Distributed Map's ResultWriter recorded it. */
export interface NotMigrated {
  readonly id: string;
  readonly status: 'FAILED' | 'SKIPPED';
  readonly reason: string | null;
}

export interface MapResults {
  readonly notMigrated: NotMigrated[];
  /** Items the Map run never started (its PENDING files): neither failed nor skipped. */
  readonly pendingFiles: number;
  readonly filesRead: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string | undefined): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readObject(s3: S3Client, bucket: string, key: string, region: string | undefined): Promise<string> {
  return awsCall(
    `s3:GetObject on s3://${bucket}/${key}`,
    region,
    async () => {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await response.Body?.transformToString('utf-8')) ?? '';
    },
    (error) =>
      awsErrorName(error) === 'NoSuchKey' || awsErrorName(error) === 'NoSuchBucket'
        ? new CliError(
            `the fleet run's results are gone: s3://${bucket}/${key} does not exist (a lifecycle rule may have expired them). ` +
              'Name the targets with --target, or replay the whole fleet',
          )
        : undefined,
  );
}

/** A results file is a JSON array (OutputType JSON, the default) or JSON Lines (OutputType JSONL). */
function recordsOf(text: string, where: string): unknown[] {
  const whole = parseJson(text);
  if (Array.isArray(whole)) return whole;
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const records = lines.map((line) => parseJson(line));
  if (records.some((record) => record === undefined)) {
    throw new CliError(`${where} is neither a JSON array nor JSON Lines: it is not a Distributed Map results file`);
  }
  return records;
}

const MIGRATION_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED', 'PLANNED']);

/**
 * The MigrationResult inside a child execution's output: the output itself, or the Payload of a Lambda
 * invoke task's answer, or a `result` field a state may have put it under.
 */
function migrationResultIn(output: unknown): Json | undefined {
  const candidates = isObject(output) ? [output, output.Payload, output.result] : [];
  return candidates.find((c): c is Json => isObject(c) && typeof c.status === 'string' && MIGRATION_STATUSES.has(c.status));
}

function targetIdOf(input: unknown, result: Json | undefined): string | undefined {
  if (isObject(input) && typeof input.targetId === 'string') return input.targetId;
  const target = result?.target;
  return isObject(target) && typeof target.id === 'string' ? target.id : undefined;
}

/**
 * One record of a results file. With Transformation NONE (the default when exporting) a record is the child
 * execution (Status, Input and Output as JSON text, Error and Cause when it failed); with COMPACT or FLATTEN a
 * succeeded record is the child's output itself. A failed child is always written in the NONE shape.
 * Returns undefined for a target that migrated (or was planned), and `{ id: undefined }` for a failure that
 * names no target.
 */
function classify(record: unknown): { id: string | undefined; status: 'FAILED' | 'SKIPPED'; reason: string | null } | undefined {
  if (isObject(record) && typeof record.Status === 'string' && ('Input' in record || 'ExecutionArn' in record)) {
    const input = parseJson(record.Input as string | undefined);
    const result = migrationResultIn(parseJson(record.Output as string | undefined)) ?? migrationResultIn(parseJson(record.Cause as string | undefined));
    const id = targetIdOf(input, result);
    if (record.Status !== 'SUCCEEDED') {
      const status = result?.status === 'SKIPPED' ? 'SKIPPED' : 'FAILED';
      const reason = typeof result?.reason === 'string' ? result.reason : typeof record.Error === 'string' ? record.Error : null;
      return { id, status, reason };
    }
    if (result && (result.status === 'FAILED' || result.status === 'SKIPPED')) {
      return { id, status: result.status, reason: typeof result.reason === 'string' ? result.reason : null };
    }
    return undefined;
  }
  const result = migrationResultIn(record);
  if (result && (result.status === 'FAILED' || result.status === 'SKIPPED')) {
    return { id: targetIdOf(undefined, result), status: result.status, reason: typeof result.reason === 'string' ? result.reason : null };
  }
  return undefined;
}

interface ResultFile {
  Key?: unknown;
}

function filesOf(manifest: Json, status: string): string[] {
  const files = isObject(manifest.ResultFiles) ? manifest.ResultFiles[status] : undefined;
  return Array.isArray(files) ? files.map((f: ResultFile) => f?.Key).filter((k): k is string => typeof k === 'string') : [];
}

/**
 * Every target of one Map run that FAILED or was SKIPPED, read from the ResultWriter's manifest.json and the
 * files it lists: the fleet summary's own list is truncated to fit SSM, these files are not.
 */
export async function readNotMigrated(
  s3: S3Client,
  location: { bucket: string; key: string },
  region: string | undefined,
): Promise<MapResults> {
  const where = `s3://${location.bucket}/${location.key}`;
  const manifest = parseJson(await readObject(s3, location.bucket, location.key, region));
  if (!isObject(manifest) || !isObject(manifest.ResultFiles)) {
    throw new CliError(`${where} is not a Distributed Map results manifest (no ResultFiles): it cannot say which targets failed`);
  }
  const bucket = typeof manifest.DestinationBucket === 'string' ? manifest.DestinationBucket : location.bucket;
  const keys = [...filesOf(manifest, 'FAILED'), ...filesOf(manifest, 'SUCCEEDED')];
  const found = new Map<string, NotMigrated>();
  let unnamed = 0;
  for (const key of keys) {
    const text = await readObject(s3, bucket, key, region);
    for (const record of recordsOf(text, `s3://${bucket}/${key}`)) {
      const outcome = classify(record);
      if (!outcome) continue;
      if (outcome.id === undefined) unnamed++;
      else if (!found.has(outcome.id)) found.set(outcome.id, { id: outcome.id, status: outcome.status, reason: outcome.reason });
    }
  }
  if (unnamed > 0) {
    // Replaying the others alone would look complete and is not: refuse, and say what does work.
    throw new CliError(
      `${unnamed} failed item(s) in the results under ${where} name no target id, so the failed targets cannot all be ` +
        'listed. Replay them by id with --target, or replay the whole fleet',
    );
  }
  return { notMigrated: [...found.values()], pendingFiles: filesOf(manifest, 'PENDING').length, filesRead: keys.length + 1 };
}
