import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAcknowledgements } from '../../../cli/lib/lint/acknowledgements';
import { changesetLine } from '../../../cli/lib/lint/changeset-lines';
import { DEFAULT_PG_VERSION, type LintFinding } from '../../../cli/lib/lint/lint-run';
import { DEFAULT_EXCLUDED_RULES, selectRules } from '../../../cli/lib/lint/rules';
import { toSarif } from '../../../cli/lib/lint/sarif';

test('the default --pg-version is the Aurora PostgreSQL version the demo stack deploys', () => {
  const stack = readFileSync(join(__dirname, '..', '..', '..', 'infra', 'database-stack.ts'), 'utf8');
  const match = /AuroraPostgresEngineVersion\.VER_(\d+)_(\d+)/.exec(stack);
  expect(match && `${match[1]}.${match[2]}`).toBe(DEFAULT_PG_VERSION);
});

describe('acknowledgements', () => {
  test('one or more rules with a reason, among other comment lines', () => {
    expect(parseAcknowledgements('Drops the old column.\ndb-migrator:allow ban-drop-column, renaming-column: v42 reads neither\nmore text')).toEqual({
      acknowledged: [
        { rule: 'ban-drop-column', reason: 'v42 reads neither' },
        { rule: 'renaming-column', reason: 'v42 reads neither' },
      ],
      problems: [],
    });
  });

  test('two on one line (a folded YAML comment) are both read', () => {
    expect(parseAcknowledgements('db-migrator:allow ban-drop-column: gone db-migrator:allow changing-column-type: widened').acknowledged)
      .toEqual([{ rule: 'ban-drop-column', reason: 'gone' }, { rule: 'changing-column-type', reason: 'widened' }]);
  });

  test('an acknowledgement without a reason is a problem, not an acknowledgement', () => {
    const parsed = parseAcknowledgements('db-migrator:allow ban-drop-column');
    expect(parsed.acknowledged).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parseAcknowledgements('db-migrator:allow ban-drop-column:   ').acknowledged).toEqual([]);
  });

  test('no comment, no acknowledgement', () => {
    expect(parseAcknowledgements(null)).toEqual({ acknowledged: [], problems: [] });
  });
});

describe('rule selection', () => {
  test('the default turns off the style and timeout rules, and nothing else', () => {
    const rules = selectRules({});
    expect(rules.exclude).toEqual(Object.keys(DEFAULT_EXCLUDED_RULES));
    expect(rules.exclude).toEqual(expect.arrayContaining(['prefer-text-field', 'prefer-bigint-over-int', 'prefer-identity', 'require-lock-timeout', 'require-statement-timeout']));
    expect(rules.exclude).not.toContain('ban-drop-column');
    expect(rules.include).toEqual([]);
  });

  test('--rules turns a default-off rule back on, --exclude turns more off, --all-rules keeps squawk\'s own set', () => {
    const rules = selectRules({ rules: 'prefer-text-field,require-table-schema', exclude: 'ban-drop-column' });
    expect(rules.exclude).not.toContain('prefer-text-field');
    expect(rules.exclude).toContain('ban-drop-column');
    expect(rules.include).toEqual(['prefer-text-field', 'require-table-schema']);
    expect(selectRules({ allRules: true }).exclude).toEqual([]);
  });

  test('a name that is not a rule name is a usage error', () => {
    expect(() => selectRules({ exclude: 'DROP TABLE' })).toThrow(/not a squawk rule name/);
  });
});

describe('the line that declares a changeset', () => {
  test('formatted SQL', () => {
    expect(changesetLine('--liquibase formatted sql\n\n--changeset bob:b1\nSELECT 1;\n--changeset bob:b2 runInTransaction:false\nSELECT 2;', 'b2', 'bob')).toBe(5);
  });

  test('XML, with the id on a later line of the tag', () => {
    expect(changesetLine('<databaseChangeLog>\n  <changeSet id="a1" author="x"/>\n  <changeSet\n      author="x"\n      id="a2">\n', 'a2', 'x')).toBe(3);
  });

  test('YAML and JSON', () => {
    expect(changesetLine('databaseChangeLog:\n  - changeSet:\n      id: y1\n  - changeSet:\n      id: y2\n      author: a\n', 'y2', 'a')).toBe(4);
    expect(changesetLine('{\n "databaseChangeLog": [\n  {\n   "changeSet": {\n    "id": "j1",\n', 'j1', 'a')).toBe(4);
  });

  test('not found: line 1', () => {
    expect(changesetLine('nothing here', 'zz', 'a')).toBe(1);
  });
});

test('SARIF 2.1.0: each finding on its changeset\'s line, acknowledged and baselined ones suppressed', () => {
  const finding = (rule: string, status: LintFinding['status'], reason?: string): LintFinding => ({
    changeset: 'changes/003.xml::3::alice', file: 'changes/003.xml', line: 12, runInTransaction: true,
    rule, message: 'm', help: 'h', status, ...(reason ? { reason } : {}),
  });
  const sarif = toSarif([finding('ban-drop-column', 'new'), finding('renaming-column', 'acknowledged', 'why'), finding('changing-column-type', 'baseline')],
    '/repo/db', '/repo', '2.66.0') as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<Record<string, unknown>> }> };
  expect(sarif.version).toBe('2.1.0');
  const [run] = sarif.runs;
  expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['ban-drop-column', 'changing-column-type', 'renaming-column']);
  expect(run.results[0]).toMatchObject({
    ruleId: 'ban-drop-column',
    level: 'error',
    locations: [{ physicalLocation: { artifactLocation: { uri: 'db/changes/003.xml' }, region: { startLine: 12 } } }],
  });
  expect(run.results[0].suppressions).toBeUndefined();
  expect(run.results[1].suppressions).toEqual([{ kind: 'inSource', justification: 'why' }]);
  expect(run.results[2].suppressions).toEqual([{ kind: 'external', justification: 'in the lint baseline' }]);
});
