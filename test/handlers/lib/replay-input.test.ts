import { MAX_REASON_LENGTH, parseReplayInput } from '../../../handlers/lib/replay-input';

describe('parseReplayInput', () => {
  test('normalises defaults: dryRun false, reason null', () => {
    expect(parseReplayInput({ stackName: 'AppStack' })).toEqual({ stackName: 'AppStack', dryRun: false, reason: null });
  });

  test('keeps a given dryRun and a trimmed reason', () => {
    expect(parseReplayInput({ stackName: 'A', dryRun: true, reason: '  retry after outage ' })).toEqual({
      stackName: 'A',
      dryRun: true,
      reason: 'retry after outage',
    });
  });

  test('treats a null or blank reason as no reason', () => {
    expect(parseReplayInput({ stackName: 'A', reason: null }).reason).toBeNull();
    expect(parseReplayInput({ stackName: 'A', reason: '   ' }).reason).toBeNull();
  });

  test('accepts the longest stack name CloudFormation allows, and no longer', () => {
    const longest = `A${'b'.repeat(127)}`;
    expect(parseReplayInput({ stackName: longest }).stackName).toBe(longest);
    expect(() => parseReplayInput({ stackName: `${longest}c` })).toThrow(/not a CloudFormation stack name/);
  });

  test(`limits reason to ${MAX_REASON_LENGTH} characters`, () => {
    expect(parseReplayInput({ stackName: 'A', reason: 'x'.repeat(MAX_REASON_LENGTH) }).reason).toHaveLength(MAX_REASON_LENGTH);
    expect(() => parseReplayInput({ stackName: 'A', reason: 'x'.repeat(MAX_REASON_LENGTH + 1) })).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', message: expect.stringContaining('at most 256') }),
    );
  });

  test.each([
    [{ stackName: 'A', dryRun: null }, /dryRun must be true or false/],
    [{ stackName: 'A', dryRun: 1 }, /dryRun must be true or false/],
    [{ stackName: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/A/x' }, /not a CloudFormation stack name/],
    [{ stackName: 'A', database: 'prod', sql: 'DROP TABLE x' }, /unknown field\(s\) database, sql/],
    [['A'], /expected a JSON object/],
    [undefined, /expected a JSON object/],
  ])('refuses %j', (input, message) => {
    expect(() => parseReplayInput(input)).toThrow(message);
  });
});
