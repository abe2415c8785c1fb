import * as cdk from 'aws-cdk-lib';
import { readAppSettings } from '../../infra/app-context';

function settings(context: Record<string, unknown>) {
  return readAppSettings(new cdk.App({ context }));
}

describe('app context', () => {
  test('has defaults', () => {
    expect(settings({})).toEqual({
      alertEmails: [],
      watchedStacks: [],
      maxCapacity: 2,
      databaseName: 'demo',
      deletionProtection: false,
    });
  });

  test('reads -c strings', () => {
    expect(
      settings({
        alertEmails: 'a@example.com, b@example.com,',
        watchedStacks: 'one,two',
        maxCapacity: '8',
        databaseName: 'shop',
        deletionProtection: 'true',
      }),
    ).toEqual({
      alertEmails: ['a@example.com', 'b@example.com'],
      watchedStacks: ['one', 'two'],
      maxCapacity: 8,
      databaseName: 'shop',
      deletionProtection: true,
    });
  });

  test('reads cdk.json values', () => {
    expect(settings({ alertEmails: ['a@example.com'], maxCapacity: 4, deletionProtection: false })).toMatchObject({
      alertEmails: ['a@example.com'],
      maxCapacity: 4,
      deletionProtection: false,
    });
  });

  test('names the key of a bad value', () => {
    expect(() => settings({ maxCapacity: 'lots' })).toThrow(/context "maxCapacity"/);
    expect(() => settings({ deletionProtection: 'yes' })).toThrow(/context "deletionProtection"/);
    expect(() => settings({ watchedStacks: [1] })).toThrow(/context "watchedStacks"/);
  });
});
