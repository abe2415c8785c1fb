import { loadReplayConfig } from '../../../handlers/lib/config';
import { BUS, WATCHED_STACKS } from '../support';

describe('loadReplayConfig', () => {
  test('reads the bus and the watched stacks', () => {
    const config = loadReplayConfig({ EVENT_BUS_NAME: BUS, WATCHED_STACKS });
    expect(config.eventBusName).toBe(BUS);
    expect(config.watched.map((w) => [w.stackName, w.kind])).toEqual([
      ['AppStack', 'exact'],
      ['LegacyStack', 'prefix'],
    ]);
  });

  test.each([
    ['EVENT_BUS_NAME', { WATCHED_STACKS }],
    ['EVENT_BUS_NAME', { EVENT_BUS_NAME: '  ', WATCHED_STACKS }],
    ['WATCHED_STACKS', { EVENT_BUS_NAME: BUS }],
    ['WATCHED_STACKS', { EVENT_BUS_NAME: BUS, WATCHED_STACKS: '' }],
  ])('a missing or blank %s is named in the error', (name, env) => {
    expect(() => loadReplayConfig(env)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: `environment variable ${name} is not set` }),
    );
  });
});
