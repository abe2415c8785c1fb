import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { checkFleetSummary } from '../../../cli/lib/fleet/fleet-summary-schema';
import type { FleetSummary } from '../../../cli/lib/fleet/fleet-summary';
import { MOTO_REGION } from './moto-world';

const config = (endpoint: string) => ({
  endpoint,
  region: MOTO_REGION,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  maxAttempts: 1,
});

/**
 * A stand-in for the fleet state machine, which the CLI only lists, describes and stops: an execution ends
 * SUCCEEDED at once, stays RUNNING on `{"hold": true}`, and ends FAILED on `{"fail": true}`.
 */
const STAND_IN_DEFINITION = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { And: [{ Variable: '$.hold', IsPresent: true }, { Variable: '$.hold', BooleanEquals: true }], Next: 'Hold' },
        { And: [{ Variable: '$.fail', IsPresent: true }, { Variable: '$.fail', BooleanEquals: true }], Next: 'Fail' },
      ],
      Default: 'Done',
    },
    Hold: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
    Fail: { Type: 'Fail', Error: 'States.TaskFailed', Cause: 'the gate function timed out' },
    Done: { Type: 'Succeed' },
  },
};

export interface MotoFleetWorld {
  readonly stackName: string;
  readonly watchedStack: string;
  readonly busName: string;
  readonly outputs: Record<string, string>;
  readonly stateMachineArn: string;
  readonly parameterName: string;
  readonly resultsBucket: string;
}

/**
 * The stack that holds a fleet migrator, reduced to what the fleet commands read: its outputs (ids as the
 * contract fixes them) and the resources they name. The replay rule delivers to a queue standing in for the
 * state machine: moto's EventBridge does not start executions.
 */
export async function createMotoFleetWorld(endpoint: string, stackName = 'db-migrator'): Promise<MotoFleetWorld> {
  const cfn = new CloudFormationClient(config(endpoint));
  const events = new EventBridgeClient(config(endpoint));
  const busName = 'db-migrator';
  const parameterName = `/db-migrator/${stackName}/fleet/tenants/last-result`;
  await events.send(new CreateEventBusCommand({ Name: busName }));
  // Created through the API: moto's CloudFormation leaves an AWS::StepFunctions::StateMachine out of the
  // Step Functions backend's listing, and the CLI reads only the output's ARN anyway.
  const sfn = new SFNClient(config(endpoint));
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `${stackName}-TenantsFleet`,
      definition: JSON.stringify(STAND_IN_DEFINITION),
      roleArn: 'arn:aws:iam::123456789012:role/fleet-state-machine',
    }),
  );
  sfn.destroy();
  await cfn.send(
    new CreateStackCommand({
      StackName: 'AppStack',
      TemplateBody: JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'AppStack-queue' } } } }),
    }),
  );
  const template = {
    Resources: {
      ManifestBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `${stackName}-fleet-manifest` } },
      ResultsBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `${stackName}-fleet-results` } },
      ReplayInbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${stackName}-FleetReplayInbox` } },
      FleetReplayRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: `${stackName}-FleetReplayRule`,
          EventBusName: busName,
          EventPattern: { source: ['db-migrator.replay'], 'detail-type': ['Fleet Migration Replay Requested'] },
          State: 'ENABLED',
          Targets: [{ Id: 'fleet', Arn: { 'Fn::GetAtt': ['ReplayInbox', 'Arn'] } }],
        },
      },
    },
    Outputs: {
      FleetStateMachineArn: { Value: stateMachineArn },
      FleetResultParameterName: { Value: parameterName },
      FleetManifestBucketName: { Value: { Ref: 'ManifestBucket' } },
      FleetManifestKey: { Value: 'fleet/manifest.json' },
      FleetResultsBucketName: { Value: { Ref: 'ResultsBucket' } },
      EventBusName: { Value: busName },
      // For the tests only: where the replay rule delivers.
      ReplayInboxUrl: { Value: { Ref: 'ReplayInbox' } },
    },
  };
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
  const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = Object.fromEntries((described.Stacks?.[0].Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue])) as Record<string, string>;
  cfn.destroy();
  events.destroy();
  return {
    stackName,
    watchedStack: 'AppStack',
    busName,
    outputs,
    stateMachineArn: stateMachineArn as string,
    parameterName,
    resultsBucket: outputs.FleetResultsBucketName,
  };
}

/** Turns on moto's Step Functions interpreter, so executions of the stand-in definition really end. */
export async function enableStateMachineExecution(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!response.ok) throw new Error(`moto refused its configuration: ${response.status} ${await response.text()}`);
}

export async function startExecution(endpoint: string, stateMachineArn: string, name: string, input: unknown): Promise<string> {
  const sfn = new SFNClient(config(endpoint));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  sfn.destroy();
  return executionArn as string;
}

/** Writes a summary as the state machine does (PutParameter with Overwrite), checked against the schema first. */
export async function writeSummary(endpoint: string, parameterName: string, summary: FleetSummary): Promise<void> {
  const check = checkFleetSummary(summary);
  if (!check.ok) throw new Error(`not a valid FleetSummary: ${check.errors.join('; ')}`);
  const ssm = new SSMClient(config(endpoint));
  await ssm.send(new PutParameterCommand({ Name: parameterName, Value: JSON.stringify(summary), Type: 'String', Overwrite: true }));
  ssm.destroy();
}

export async function putObject(endpoint: string, bucket: string, key: string, body: unknown): Promise<void> {
  const s3 = new S3Client({ ...config(endpoint), forcePathStyle: true });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: typeof body === 'string' ? body : JSON.stringify(body) }));
  s3.destroy();
}
