import { UsageError } from '../errors';

/**
 * squawk's rules (squawk-cli 2.66.0) that the lint turns off by default. The default set is for a migration that
 * runs after the deploy, while the new code and the draining old code both serve traffic: what breaks them or
 * blocks them on a lock stays on; what is only style, or what the runner already does, is off.
 */
export const DEFAULT_EXCLUDED_RULES: Readonly<Record<string, string>> = {
  'prefer-text-field': 'style: varchar(n) is a valid choice; its only cost is a later ALTER to widen it',
  'prefer-bigint-over-int': 'style: the key width is a design choice, not a live-traffic hazard',
  'prefer-bigint-over-smallint': 'style: the key width is a design choice, not a live-traffic hazard',
  'prefer-identity': 'style: serial works; identity is the newer spelling',
  'prefer-timestamp-tz': 'style: a column type choice, not a live-traffic hazard',
  'ban-char-field': 'style: a column type choice, not a live-traffic hazard',
  'prefer-robust-stmts': 'Liquibase runs each changeset once, recorded in DATABASECHANGELOG; IF NOT EXISTS would '
    + 'also let a CREATE INDEX CONCURRENTLY "succeed" over an INVALID index left by an interrupted build',
  'prefer-repack': 'advice about a third-party extension, not about the change',
  'require-lock-timeout': 'the runner sets lock_timeout on every transactional changeset itself',
  'require-statement-timeout': 'statement_timeout is a runner setting: data migrations may rightly be long',
  'require-timeout-settings': 'the runner sets the timeouts itself (see require-lock-timeout)',
};

/** What a run checks: squawk's rules minus the excluded ones, plus opt-in rules asked for by name. */
export interface RuleSelection {
  readonly exclude: readonly string[];
  readonly include: readonly string[];
}

const RULE_NAME = /^[a-z][a-z0-9-]*$/;

function names(list: string | undefined, option: string): string[] {
  if (list === undefined) return [];
  const parsed = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of parsed) {
    if (!RULE_NAME.test(name)) throw new UsageError(`${option}: "${name}" is not a squawk rule name (e.g. ban-drop-column)`);
  }
  return parsed;
}

/**
 * The default exclusions, changed by the options: `--rules` turns rules back on (or opts into squawk's
 * opt-in rules), `--exclude` turns more off, and `--all-rules` starts from squawk's own defaults.
 */
export function selectRules(options: { rules?: string; exclude?: string; allRules?: boolean }): RuleSelection {
  const enabled = names(options.rules, '--rules');
  const excluded = names(options.exclude, '--exclude');
  const base = options.allRules ? [] : Object.keys(DEFAULT_EXCLUDED_RULES);
  return {
    exclude: [...new Set([...base.filter((rule) => !enabled.includes(rule)), ...excluded])],
    include: enabled.filter((rule) => !excluded.includes(rule)),
  };
}
