import { InvalidArgumentError } from 'commander';

/** Commander reports an InvalidArgumentError as a usage error (exit 2), with the option's name. */
export function positiveInteger(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return n;
}

/** A number of seconds that may be 0 (which turns a timeout off), with at most millisecond precision. */
export function nonNegativeSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || Math.round(n * 1000) !== n * 1000) {
    throw new InvalidArgumentError('expected a number of seconds, 0 or more (at most 3 decimals)');
  }
  return n;
}

/** --parameter NAME=VALUE, repeatable: the name is what the changelog writes inside ${…}; the value may hold '='. */
export function collectParameter(value: string, previous: Record<string, string>): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, not "${value}"`);
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
}
