import {
  CloudFormationServiceException,
  type DescribeStacksCommandOutput,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const APP_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/AppStack/0a1b2c3d-1111-2222-3333-444455556666`;
export const EXTERNAL_PREFIX = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/LegacyStack/`;
export const EXTERNAL_STACK_ID = `${EXTERNAL_PREFIX}9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff`;
export const WATCHED_STACKS = `${APP_STACK_ID},${EXTERNAL_PREFIX}`;
export const BUS = 'db-migrator';

export function cfnError(name: string, message: string): CloudFormationServiceException {
  return new CloudFormationServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export function eventsError(name: string, message: string): EventBridgeServiceException {
  return new EventBridgeServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export function stack(
  stackName: string,
  stackId: string,
  status: StackStatus = 'UPDATE_COMPLETE',
): Partial<DescribeStacksCommandOutput> {
  return { Stacks: [{ StackName: stackName, StackId: stackId, StackStatus: status, CreationTime: new Date() }] };
}
