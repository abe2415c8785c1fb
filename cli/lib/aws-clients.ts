import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

/** `--region` and `--profile`; when absent the SDK's own chain decides (AWS_REGION, AWS_PROFILE, ~/.aws). */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
}

/**
 * One lazily created client per service, so a command pays only for the services it calls. The endpoint is
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
    return this.client('cfn', () => new CloudFormationClient(this.config));
  }
  get ssm(): SSMClient {
    return this.client('ssm', () => new SSMClient(this.config));
  }
  get eventBridge(): EventBridgeClient {
    return this.client('events', () => new EventBridgeClient(this.config));
  }
  get lambda(): LambdaClient {
    return this.client('lambda', () => new LambdaClient(this.config));
  }
  get secretsManager(): SecretsManagerClient {
    return this.client('secrets', () => new SecretsManagerClient(this.config));
  }
  get ec2(): EC2Client {
    return this.client('ec2', () => new EC2Client(this.config));
  }
  get sqs(): SQSClient {
    // The queue URL's host would override an endpoint set by AWS_ENDPOINT_URL; the resolved endpoint serves
    // every queue of the region in the real service too.
    return this.client('sqs', () => new SQSClient({ ...this.config, useQueueUrlAsEndpoint: false }));
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
