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

/** --parameter NAME=VALUE, repeatable: the name is what the changelog writes inside ${…}; the value may hold '='. */
export function collectParameter(value: string, previous: Record<string, string>): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, not "${value}"`);
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
}
