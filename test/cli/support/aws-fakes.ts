import { CloudFormationServiceException, type Output } from '@aws-sdk/client-cloudformation';
import { REGION, ACCOUNT } from './results';

export const MIGRATOR_STACK = 'db-migrator';
export const MIGRATOR_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${MIGRATOR_STACK}/11111111-2222-3333-4444-555555555555`;
export const PARAMETER = '/db-migrator/db-migrator/demo/last-result';
export const RUNNER = 'db-migrator-Runner-AbC123';
export const RUNNER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${RUNNER}`;
export const BUS = 'db-migrator';
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:db-migrator-alerts`;
export const DLQ_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/db-migrator-DeadLetterQueue`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-migrator-db-AbCdEf`;
export const ARCHIVE = 'db-migrator-deploy-events';
export const MAIN_RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/db-migrator-StackDeployedRule-XyZ`;

export const OUTPUTS: Record<string, string> = {
  ResultParameterName: PARAMETER,
  RunnerFunctionName: RUNNER,
  EventBusName: BUS,
  AlertTopicArn: TOPIC,
  DeadLetterQueueUrl: DLQ_URL,
};

export function migratorStack(outputs: Record<string, string> = OUTPUTS, status = 'UPDATE_COMPLETE') {
  const Outputs: Output[] = Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  return {
    Stacks: [
      { StackName: MIGRATOR_STACK, StackId: MIGRATOR_STACK_ID, StackStatus: status as never, CreationTime: new Date(), Outputs },
    ],
  };
}

/** An SDK service error as the client would throw it; `name` is what the CLI inspects. */
export function awsError(name: string, message: string): Error {
  return new CloudFormationServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export const stackMissing = (name: string): Error => awsError('ValidationError', `Stack with id ${name} does not exist`);
export const accessDenied = (action: string): Error =>
  awsError(
    'AccessDeniedException',
    `User: arn:aws:iam::${ACCOUNT}:user/operator is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  );
