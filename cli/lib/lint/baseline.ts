import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors';

/**
 * Today's findings of a changelog, so that adopting the lint does not fail CI on day one: later runs with the
 * baseline fail only on findings it does not hold. A finding is keyed by its changeset and rule: editing the
 * SQL of a baselined changeset does not re-open it, a new changeset (or a new rule on an old one) is new.
 */
export interface Baseline {
  readonly version: 1;
  readonly findings: ReadonlyArray<{ readonly changeset: string; readonly rule: string }>;
}

export function baselineKey(changeset: string, rule: string): string {
  return `${changeset}\u0000${rule}`;
}

export function readBaseline(file: string): Set<string> {
  let value: Partial<Baseline>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Baseline>;
  } catch (error) {
    throw new UsageError(`--baseline ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (value.version !== 1 || !Array.isArray(value.findings)
    || !value.findings.every((f) => typeof f?.changeset === 'string' && typeof f?.rule === 'string')) {
    throw new UsageError(`--baseline ${file} is not a lint baseline (version 1, findings of {changeset, rule}); write one with --write-baseline`);
  }
  return new Set(value.findings.map((f) => baselineKey(f.changeset, f.rule)));
}

export function writeBaseline(file: string, findings: ReadonlyArray<{ changeset: string; rule: string }>): void {
  const unique = new Map(findings.map((f) => [baselineKey(f.changeset, f.rule), { changeset: f.changeset, rule: f.rule }]));
  const baseline: Baseline = {
    version: 1,
    findings: [...unique.values()].sort((a, b) => a.changeset.localeCompare(b.changeset) || a.rule.localeCompare(b.rule)),
  };
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
}
