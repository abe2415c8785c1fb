import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { FleetSecretScope } from './fleet-props';

/**
 * The fleet's IAM statements, each on the narrowest resource the action supports. Kept together so that the
 * least-privilege tests and a reviewer read one file.
 */

/** GetSecretValue on the fleet's secrets only: by tag (ABAC), by name prefix, or both. */
export function readFleetSecrets(scope: cdk.Stack, secretScope: FleetSecretScope): iam.PolicyStatement[] {
  const secretArn = scope.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME,
    // A secret's ARN ends in -<6 random characters> after its name: the prefix covers them.
    resourceName: `${secretScope.namePrefix ?? ''}*`,
  });
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadTheFleetsSecrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secretArn],
      conditions:
        secretScope.tagKey !== undefined
          ? { StringEquals: { [`aws:ResourceTag/${secretScope.tagKey}`]: secretScope.tagValue! } }
          : undefined,
    }),
  ];
  const keys = secretScope.encryptionKeys ?? [];
  if (keys.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DecryptTheFleetsSecretsThroughSecretsManager',
        actions: ['kms:Decrypt'],
        resources: keys.map((key) => key.keyArn),
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${scope.region}.amazonaws.com` } },
      }),
    );
  }
  return statements;
}

/** The manifest object itself, not the bucket. */
export function readManifest(bucket: s3.IBucket, key: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(key)] });
}

/** What a Distributed Map's ResultWriter needs, under the fleet's results prefix only. */
export function writeResults(bucket: s3.IBucket, prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
    resources: [bucket.arnForObjects(`${prefix}/*`)],
  });
}

export function readResults(bucket: s3.IBucket, prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}/*`)] });
}

/** The ARNs of one state machine (by its fixed name), its executions and its map runs. */
export function stateMachineArns(stack: cdk.Stack, name: string) {
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME });
  return {
    stateMachine: arn('stateMachine', name),
    // The state machine's own executions are `execution:<name>:<id>`, a Distributed Map's child executions
    // `execution:<name>/<label>:<id>`.
    executions: [arn('execution', `${name}:*`), arn('execution', `${name}/*`)],
    mapRuns: arn('mapRun', `${name}/*`),
  };
}

/** What a Distributed Map needs on its own state machine: start, watch and stop its child executions. */
export function runChildExecutions(arns: ReturnType<typeof stateMachineArns>): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arns.stateMachine] }),
    new iam.PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: arns.executions }),
    new iam.PolicyStatement({ actions: ['states:DescribeMapRun'], resources: [arns.mapRuns] }),
  ];
}

export function putParameter(parameterArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [parameterArn] });
}
