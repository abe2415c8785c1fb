import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';

/** `--region` and `--profile`; when absent the SDK's own chain decides (AWS_REGION, AWS_PROFILE, ~/.aws). */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
}

/**
 * One lazily created client per service, so a command pays only for the services it calls: each SDK package is
 * even loaded (required) only when its client is first asked for, since loading them all takes most of a second. The endpoint is
 * left to the SDK, which honours AWS_ENDPOINT_URL (how the integration tests point it at a local stand-in).
 */
export class AwsClients {
  private readonly config: { region?: string; profile?: string };
  private readonly cache = new Map<string, unknown>();

  constructor(options: AwsOptions = {}) {
    this.config = {
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
    };
  }

  private client<T>(key: string, create: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, create());
    return this.cache.get(key) as T;
  }

  get cloudFormation(): CloudFormationClient {
    return this.client('cfn', () => new (require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation')).CloudFormationClient(this.config));
  }
  get ssm(): SSMClient {
    return this.client('ssm', () => new (require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm')).SSMClient(this.config));
  }
  get eventBridge(): EventBridgeClient {
    return this.client('events', () => new (require('@aws-sdk/client-eventbridge') as typeof import('@aws-sdk/client-eventbridge')).EventBridgeClient(this.config));
  }
  get lambda(): LambdaClient {
    return this.client('lambda', () => new (require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda')).LambdaClient(this.config));
  }
  get secretsManager(): SecretsManagerClient {
    return this.client('secrets', () => new (require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(this.config));
  }
  get ec2(): EC2Client {
    return this.client('ec2', () => new (require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2')).EC2Client(this.config));
  }
  get sqs(): SQSClient {
    // The queue URL's host would override an endpoint set by AWS_ENDPOINT_URL; the resolved endpoint serves
    // every queue of the region in the real service too.
    return this.client('sqs', () => new (require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs')).SQSClient({ ...this.config, useQueueUrlAsEndpoint: false }));
  }

  get sfn(): SFNClient {
    return this.client('sfn', () => new (require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn')).SFNClient(this.config));
  }
  get s3(): S3Client {
    return this.client('s3', () => new (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client(this.config));
  }

  /** The region the clients resolved, for messages; undefined when none is configured anywhere. */
  async region(): Promise<string | undefined> {
    try {
      return await this.cloudFormation.config.region();
    } catch {
      return undefined;
    }
  }

  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.cache.clear();
  }
}
