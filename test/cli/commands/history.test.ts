import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterHistoryCommand, type ParameterHistory, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDenied, awsError, migratorStack, MIGRATOR_STACK, PARAMETER, stackMissing } from '../support/aws-fakes';
import { expectValidResult, failedResult, sampleResult } from '../support/results';
import { cli, jsonLines } from '../support/run-cli';

const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);

function version(n: number, value: string): ParameterHistory {
  return { Name: PARAMETER, Version: n, Value: value, LastModifiedDate: new Date(Date.UTC(2025, 5, 1, 10, n)) };
}

function resultAt(n: number) {
  return n % 3 === 0
    ? failedResult({ finishedAt: `2025-06-01T10:${String(n).padStart(2, '0')}:00.000Z` })
    : sampleResult({ finishedAt: `2025-06-01T10:${String(n).padStart(2, '0')}:00.000Z`, durationMs: n * 100 });
}

beforeEach(() => {
  cfn.reset();
  ssm.reset();
  cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack());
});

describe('history', () => {
  test('reads every page (SSM pages oldest first) and prints the newest runs first, one a line', async () => {
    // 1..5 in two pages, as SSM answers: the oldest first.
    ssm
      .on(GetParameterHistoryCommand, { Name: PARAMETER, MaxResults: 50, NextToken: undefined })
      .resolves({ Parameters: [1, 2, 3].map((n) => version(n, JSON.stringify(resultAt(n)))), NextToken: 'page-2' })
      .on(GetParameterHistoryCommand, { Name: PARAMETER, MaxResults: 50, NextToken: 'page-2' })
      .resolves({ Parameters: [4, 5].map((n) => version(n, JSON.stringify(resultAt(n)))) });

    const run = await cli(['history', '--limit', '4']);

    expect(run.code).toBe(0);
    expect(ssm.commandCalls(GetParameterHistoryCommand)).toHaveLength(2);
    const [header, ...rows] = run.lines;
    expect(header).toMatch(/^VERSION +FINISHED \(UTC\) +STATUS +REASON +APPLIED +PENDING +DURATION +TRIGGER$/);
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual(['5', '4', '3', '2']);
    expect(rows[0]).toMatch(/^ +5 +2025-06-01 10:05:00 +SUCCEEDED +- +2 +0 +500 ms +CLOUDFORMATION AppStack UPDATE_COMPLETE$/);
    expect(rows[2]).toMatch(/^ +3 +2025-06-01 10:03:00 +FAILED +CHANGESET_FAILED +1 +1 /);
  });

  test('--json prints one line per run with its version and the validated result', async () => {
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [1, 2].map((n) => version(n, JSON.stringify(resultAt(n)))) });

    const run = await cli(['history', '--json']);

    expect(run.code).toBe(0);
    const lines = jsonLines(run) as { version: number; modifiedAt: string; result: unknown }[];
    expect(lines.map((l) => l.version)).toEqual([2, 1]);
    expect(lines[0].modifiedAt).toBe('2025-06-01T10:02:00.000Z');
    lines.forEach((l) => expectValidResult(l.result));
  });

  test('an empty history (no parameter yet) is not an error', async () => {
    ssm.on(GetParameterHistoryCommand).rejects(awsError('ParameterNotFound', 'Parameter not found'));

    const run = await cli(['history']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no runs recorded yet: parameter ${PARAMETER} does not exist`);
  });

  test('a malformed version is shown as MALFORMED with its problem, and the others still print', async () => {
    ssm.on(GetParameterHistoryCommand).resolves({
      Parameters: [version(1, JSON.stringify(resultAt(1))), version(2, '{"status":"OK"}'), version(3, JSON.stringify(resultAt(4)))],
    });

    const run = await cli(['history']);

    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(4);
    expect(run.lines[2]).toMatch(/^ +2 +2025-06-01 10:02:00 +MALFORMED +- +- +- +- +\(root\) lacks schemaVersion, runId, /);
    expect(run.stderr).toContain('warning: version(s) 2 of');
  });

  test('--json reports a malformed version with its problems instead of a result', async () => {
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, 'not json')] });

    const run = await cli(['history', '--json']);

    expect(run.code).toBe(0);
    expect(jsonLines(run)).toEqual([
      { version: 1, modifiedAt: '2025-06-01T10:01:00.000Z', problems: [expect.stringMatching(/^not JSON/)] },
    ]);
  });

  test('a missing stack exits 1 with the name and region', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'gone' }).rejects(stackMissing('gone'));

    const run = await cli(['history', '--stack', 'gone']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stack gone does not exist in us-east-1');
  });

  test('AccessDenied on GetParameterHistory names the permission', async () => {
    ssm.on(GetParameterHistoryCommand).rejects(accessDenied('ssm:GetParameterHistory'));

    const run = await cli(['history']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`may not call ssm:GetParameterHistory on parameter ${PARAMETER}`);
  });

  test('--limit must be 1 to 100 (usage error)', async () => {
    for (const limit of ['0', '101', 'ten', '2.5']) {
      const run = await cli(['history', '--limit', limit]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('expected a whole number from 1 to 100');
    }
  });
});
