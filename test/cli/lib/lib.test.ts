import { busArnOfRule, replayNameFor } from '../../../cli/lib/archive-replay';
import { parseDatabaseUrl, redact } from '../../../cli/lib/database-url';
import { secretProblems } from '../../../cli/lib/db-secret';
import { exitCodeOf } from '../../../cli/lib/migration-result';
import { createProgress } from '../../../cli/lib/progress';
import { checkMigrationResult, parseMigrationResult } from '../../../cli/lib/result-schema';
import { formatHistoryTable } from '../../../cli/lib/history-table';
import { formatDuration, formatSummary } from '../../../cli/lib/result-summary';
import { parseSince } from '../../../cli/lib/time-input';
import { sampleResult } from '../support/results';

describe('result schema (the validator the CLI and the tests share)', () => {
  test('accepts what the runner writes and rejects the rest, with readable paths', () => {
    expect(checkMigrationResult(sampleResult()).ok).toBe(true);
    const bad = parseMigrationResult(JSON.stringify({ ...sampleResult(), reason: 'CHANGESET_FAILED', runId: 'nope' }));
    expect(bad).toEqual({ ok: false, errors: expect.arrayContaining(['/runId must match format "uuid"', '/reason must be null']) });
    expect(parseMigrationResult('{').ok).toBe(false);
  });
});

describe('exit codes', () => {
  test.each([
    ['SUCCEEDED', 0],
    ['SKIPPED', 0],
    ['PLANNED', 0],
    ['FAILED', 1],
  ] as const)('%s → %d', (status, code) => expect(exitCodeOf({ status })).toBe(code));
});

describe('--since', () => {
  const now = Date.parse('2025-06-02T12:00:00Z');
  test.each([
    ['30m', '2025-06-02T11:30:00.000Z'],
    ['6h', '2025-06-02T06:00:00.000Z'],
    ['2d', '2025-05-31T12:00:00.000Z'],
    ['2025-06-01T08:00:00Z', '2025-06-01T08:00:00.000Z'],
  ])('%s', (text, iso) => expect(parseSince(text, now).toISOString()).toBe(iso));
  test('refuses the future and nonsense', () => {
    expect(() => parseSince('2030-01-01T00:00:00Z', now)).toThrow('is in the future');
    expect(() => parseSince('last week', now)).toThrow('neither an ISO-8601 time');
  });
});

describe('archive replay helpers', () => {
  test('the bus of a rule: default unless the ARN names one', () => {
    expect(busArnOfRule('arn:aws:events:eu-west-1:123456789012:rule/main')).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/default');
    expect(busArnOfRule('arn:aws:events:eu-west-1:123456789012:rule/db-migrator/replay')).toBe(
      'arn:aws:events:eu-west-1:123456789012:event-bus/db-migrator',
    );
    expect(() => busArnOfRule('main')).toThrow('is not an EventBridge rule ARN');
  });
  test('replay names fit EventBridge\'s 64 characters', () => {
    const name = replayNameFor('A'.repeat(128), new Date('2025-06-02T12:00:00Z'));
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[.\-_A-Za-z0-9]+-20250602T120000Z$/);
  });
});

describe('database URL', () => {
  test('decodes user and password, defaults the port, keeps sslmode', () => {
    expect(parseDatabaseUrl('postgres://a%40b:p%2Fw@[::1]:6000/my%20db?sslmode=verify-full', {})).toEqual({
      secret: { host: '::1', port: 6000, username: 'a@b', password: 'p/w', dbname: 'my db' },
      sslMode: 'verify-full',
    });
    expect(parseDatabaseUrl('postgres://u@h/d', {}).secret.port).toBe(5432);
  });
  test('redacts the password in messages', () => {
    expect(redact('postgres://u:secret@h/d')).toBe('postgres://u:***@h/d');
  });
});

describe('secret keys', () => {
  test('names problems without the values', () => {
    expect(secretProblems(JSON.stringify({ host: 'h', port: 5432, username: 'u', password: 'p', dbname: 'd' }))).toEqual([]);
    expect(secretProblems(JSON.stringify({ host: 'h', port: '70000', username: 1, password: 'p' }))).toEqual([
      '"port" is not a port number',
      '"username" is not a string',
      'missing "dbname"',
    ]);
    expect(secretProblems('x')).toEqual(['the secret is not JSON']);
    expect(secretProblems(undefined)).toEqual(['the secret has no SecretString (a binary secret?)']);
  });
});

describe('progress', () => {
  test('draws only on a terminal', () => {
    let written = '';
    const stream = { write: (s: string) => (written += s) };
    createProgress(stream).update('x');
    expect(written).toBe('');
    const tty = createProgress({ ...stream, isTTY: true });
    tty.update('waiting');
    tty.done();
    expect(written).toBe('\r⠋ waiting\x1b[K\r\x1b[K');
  });
});

test('durations read naturally', () => {
  expect([formatDuration(850), formatDuration(3412), formatDuration(125_000)]).toEqual(['850 ms', '3.4 s', '2 min 5 s']);
});

describe('counts the runner could not compute', () => {
  const unknown = sampleResult({
    status: 'FAILED',
    reason: 'CONNECTION_FAILED',
    message: 'the connection broke; the pending changesets could not be listed',
    pending: { count: null, changesets: [], truncated: false },
  });

  test('the summary says unknown, never 0', () => {
    const summary = formatSummary(unknown, 'result.json');
    expect(summary).toMatch(/^pending: {3}unknown$/m);
    expect(summary).not.toMatch(/^pending: {3}0$/m);
  });

  test('the history table says unknown in the PENDING column', () => {
    const table = formatHistoryTable([{ version: 4, modifiedAt: new Date('2025-06-02T10:15:03Z'), result: unknown }]);
    const [header, line] = table.split('\n');
    const column = header.indexOf('PENDING');
    expect(line.slice(column - 2, column + 'PENDING'.length)).toContain('unknown');
  });
});
