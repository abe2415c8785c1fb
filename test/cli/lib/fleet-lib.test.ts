import { executionConsoleUrl } from '../../../cli/lib/fleet/fleet-executions';
import { fleetReplayDetail, MAX_DETAIL_BYTES } from '../../../cli/lib/fleet/fleet-replay-request';

describe('executionConsoleUrl', () => {
  test.each([
    [
      'arn:aws:states:eu-west-1:123456789012:execution:Fleet:run-1',
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:Fleet:run-1',
    ],
    [
      'arn:aws-cn:states:cn-north-1:123456789012:execution:Fleet:run-1',
      'https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:Fleet:run-1',
    ],
  ])('%s: the region and partition come from the ARN', (arn, url) => {
    expect(executionConsoleUrl(arn)).toBe(url);
  });
});

describe('fleetReplayDetail', () => {
  test('carries exactly the contract\'s four fields, with a blank reason as null', () => {
    expect(fleetReplayDetail({ stackName: 'AppStack', dryRun: false, reason: '   ', targetIds: null })).toEqual({
      stackName: 'AppStack',
      dryRun: false,
      reason: null,
      targetIds: null,
    });
  });

  test.each([
    [{ stackName: 'not a stack', targetIds: null }, 'is not a CloudFormation stack name'],
    [{ stackName: 'AppStack', targetIds: [] }, 'the list of ids is empty'],
    [{ stackName: 'AppStack', targetIds: ['-leading-dash'] }, 'not a target id: "-leading-dash"'],
    [{ stackName: 'AppStack', targetIds: ['a'.repeat(129)] }, 'not a target id'],
    [{ stackName: 'AppStack', targetIds: null, reason: 'r'.repeat(257) }, '--reason is 257 characters'],
  ])('%j is refused as a usage error', (input, message) => {
    expect(() => fleetReplayDetail({ dryRun: false, reason: undefined, ...input })).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining(message) }),
    );
  });

  test('the largest list that fits stays under the limit of one event', () => {
    const ids = Array.from({ length: 1900 }, (_, i) => `t${i}`.padEnd(128, 'x'));
    const detail = fleetReplayDetail({ stackName: 'AppStack', dryRun: false, reason: undefined, targetIds: ids });
    expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
  });
});
