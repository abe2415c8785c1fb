import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../contracts/migration-result.schema.json';
import type { MigrationResult } from './migration-result';

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile<MigrationResult>(schema);

export type SchemaCheck = { ok: true; result: MigrationResult } | { ok: false; errors: string[] };

function describe(errors: ErrorObject[] | null | undefined): string[] {
  // The `if/then/else` wrapper error only repeats what its branch already said.
  const missing = new Map<string, string[]>();
  const others: string[] = [];
  for (const error of errors ?? []) {
    const path = error.instancePath || '(root)';
    if (error.keyword === 'if') continue;
    if (error.keyword === 'required') {
      missing.set(path, [...(missing.get(path) ?? []), String(error.params.missingProperty)]);
    } else {
      others.push(`${path} ${explain(error)}`);
    }
  }
  // One line per object for missing keys: a foreign value lacks most of them, and fifteen lines would hide why.
  return [...[...missing].map(([path, keys]) => `${path} lacks ${keys.join(', ')}`), ...others];
}

/** Ajv's "must be equal to constant" does not say which; the operator needs the allowed values. */
function explain(error: ErrorObject): string {
  if (error.keyword === 'const') return `must be ${JSON.stringify(error.params.allowedValue)}`;
  if (error.keyword === 'enum') {
    return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return error.message ?? 'is invalid';
}

/** Checks a value already parsed from JSON against contracts/migration-result.schema.json. */
export function checkMigrationResult(value: unknown): SchemaCheck {
  return validate(value) ? { ok: true, result: value } : { ok: false, errors: describe(validate.errors) };
}

/** Parses JSON text and checks it; a text that is not JSON at all is reported the same way. */
export function parseMigrationResult(text: string): SchemaCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  return checkMigrationResult(value);
}
