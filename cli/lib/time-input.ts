import { UsageError } from './errors';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since` takes an ISO-8601 time or an age such as 30m, 6h or 2d, the way people remember a deploy. */
export function parseSince(text: string, now: number): Date {
  const age = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (age) return new Date(now - Number(age[1]) * UNITS[age[2]]);
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new UsageError(`--since "${text}" is neither an ISO-8601 time (2025-06-01T12:00:00Z) nor an age (30m, 6h, 2d)`);
  }
  if (time > now) throw new UsageError(`--since ${text} is in the future`);
  return new Date(time);
}
