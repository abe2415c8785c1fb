import {
  isStackIdWatched,
  matchesStackId,
  parseWatchedStacks,
  watchedByName,
} from '../../../handlers/lib/watched-stacks';
import { ACCOUNT, APP_STACK_ID, EXTERNAL_PREFIX, EXTERNAL_STACK_ID, REGION, WATCHED_STACKS } from '../support';

describe('parseWatchedStacks', () => {
  test('tells exact stack ids from by-name prefixes and takes the name after stack/', () => {
    expect(parseWatchedStacks(WATCHED_STACKS)).toEqual([
      { entry: APP_STACK_ID, stackName: 'AppStack', kind: 'exact' },
      { entry: EXTERNAL_PREFIX, stackName: 'LegacyStack', kind: 'prefix' },
    ]);
  });

  test('ignores blanks around entries and empty entries from a trailing comma', () => {
    expect(parseWatchedStacks(` ${EXTERNAL_PREFIX} ,, `).map((w) => w.stackName)).toEqual(['LegacyStack']);
  });

  test('accepts other partitions', () => {
    const entry = `arn:aws-cn:cloudformation:cn-north-1:${ACCOUNT}:stack/ChinaStack/`;
    expect(parseWatchedStacks(entry)).toEqual([{ entry, stackName: 'ChinaStack', kind: 'prefix' }]);
  });

  test.each([
    ['a bare name', 'AppStack'],
    ['a prefix without the trailing slash', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/AppStack`],
    ['another service', `arn:aws:s3:::bucket/AppStack/`],
    ['a short account', `arn:aws:cloudformation:${REGION}:1234:stack/AppStack/`],
    ['an unresolved token', '${Token[AWS.StackId.12]}'],
    ['a bad stack name', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/9Stack/`],
  ])('refuses %s, quoting the entry and the variable', (_label, entry) => {
    expect(() => parseWatchedStacks(entry)).toThrow(`WATCHED_STACKS entry "${entry}" is neither`);
  });

  test('refuses an empty list, naming where it came from', () => {
    expect(() => parseWatchedStacks(' , ', 'stack output WatchedStacks')).toThrow(
      'stack output WatchedStacks lists no stacks',
    );
  });
});

describe('matching', () => {
  const watched = parseWatchedStacks(WATCHED_STACKS);
  const [exact, prefix] = watched;

  test('names are matched exactly (stack names are case-sensitive)', () => {
    expect(watchedByName(watched, 'AppStack')).toEqual([exact]);
    expect(watchedByName(watched, 'appstack')).toEqual([]);
    expect(watchedByName(watched, 'App')).toEqual([]);
  });

  test('an exact entry matches only its own stack id, not a recreated stack of the same name', () => {
    expect(matchesStackId(exact, APP_STACK_ID)).toBe(true);
    expect(matchesStackId(exact, APP_STACK_ID.replace('0a1b2c3d', 'ffffffff'))).toBe(false);
  });

  test('a prefix entry matches any id of that name in its region and account only', () => {
    expect(matchesStackId(prefix, EXTERNAL_STACK_ID)).toBe(true);
    expect(matchesStackId(prefix, `${EXTERNAL_PREFIX}another-guid`)).toBe(true);
    expect(matchesStackId(prefix, EXTERNAL_STACK_ID.replace(REGION, 'us-east-1'))).toBe(false);
    expect(matchesStackId(prefix, EXTERNAL_STACK_ID.replace(ACCOUNT, '210987654321'))).toBe(false);
    // The trailing slash keeps a longer name from matching a shorter watched one.
    expect(matchesStackId(prefix, EXTERNAL_STACK_ID.replace('LegacyStack', 'LegacyStackTwo'))).toBe(false);
  });

  test('isStackIdWatched checks every entry', () => {
    expect(isStackIdWatched(watched, APP_STACK_ID)).toBe(true);
    expect(isStackIdWatched(watched, EXTERNAL_STACK_ID)).toBe(true);
    expect(isStackIdWatched(watched, `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Other/guid`)).toBe(false);
  });
});
