import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../../contracts/fleet-summary.schema.json';
import type { FleetSummary } from './fleet-summary';

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile<FleetSummary>(schema);

export type FleetSummaryCheck = { ok: true; summary: FleetSummary } | { ok: false; errors: string[] };

/** Checks a value already parsed from JSON against contracts/fleet-summary.schema.json. */
export function checkFleetSummary(value: unknown): FleetSummaryCheck {
  if (validate(value)) return { ok: true, summary: value };
  const errors = (validate.errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const path = error.instancePath || '(root)';
      if (error.keyword === 'required') return `${path} lacks ${String(error.params.missingProperty)}`;
      if (error.keyword === 'enum') return `${path} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      if (error.keyword === 'const') return `${path} must be ${JSON.stringify(error.params.allowedValue)}`;
      return `${path} ${error.message ?? 'is invalid'}`;
    });
  return { ok: false, errors };
}

/** Parses JSON text and checks it; text that is not JSON at all is reported the same way. */
export function parseFleetSummary(text: string): FleetSummaryCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  return checkFleetSummary(value);
}
