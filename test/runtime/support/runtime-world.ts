import { CloudFormationClient, CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export interface DatabaseCredentials {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
}

/** The AWS side of a deployed migrator, in moto: what the template's unresolved expressions point at. */
export interface RuntimeWorld {
  readonly secretArn: string;
  readonly busName: string;
  readonly migratorStackId: string;
  readonly watchedStackId: string;
  readonly watchedStackName: string;
  /** The queue a rule on the bus delivers every completion event (source db-migrator) to. */
  readonly completionQueueUrl: string;
  /** The queue a rule on the bus delivers every replay request (source db-migrator.replay) to. */
  readonly replayQueueUrl: string;
  setSecret(credentials: DatabaseCredentials): Promise<void>;
  parameter(name: string): Promise<string | undefined>;
  /** Waits for the next completion event on its queue and removes it. */
  nextCompletionEvent(): Promise<any>;
  /** Waits for the next event on a queue and removes it. */
  nextEvent(queueUrl: string): Promise<any>;
  destroy(): void;
}

const QUEUE_WAIT_SECONDS = 5;

/**
 * A stack template moto accepts and creates at once. The watched stack is then updated, so the gate sees
 * UPDATE_COMPLETE, as after the deploy that triggered the run.
 */
function stackTemplate(queueName: string): string {
  return JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: queueName } } } });
}

export async function createRuntimeWorld(
  endpoint: string,
  region: string,
  options: { busName: string; watchedStackName: string; migratorStackName: string; credentials: DatabaseCredentials },
): Promise<RuntimeWorld> {
  const config = { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
  const cloudFormation = new CloudFormationClient(config);
  const eventBridge = new EventBridgeClient(config);
  const secretsManager = new SecretsManagerClient(config);
  const sqs = new SQSClient(config);
  const ssm = new SSMClient(config);

  const secret = await secretsManager.send(
    new CreateSecretCommand({ Name: `${options.migratorStackName}-database`, SecretString: JSON.stringify(options.credentials) }),
  );
  const migrator = await cloudFormation.send(
    new CreateStackCommand({ StackName: options.migratorStackName, TemplateBody: stackTemplate('migrator-placeholder') }),
  );
  const watched = await cloudFormation.send(
    new CreateStackCommand({ StackName: options.watchedStackName, TemplateBody: stackTemplate('watched-v1') }),
  );
  await cloudFormation.send(new UpdateStackCommand({ StackName: options.watchedStackName, TemplateBody: stackTemplate('watched-v2') }));

  await eventBridge.send(new CreateEventBusCommand({ Name: options.busName }));
  /** A queue that receives what a rule on the bus matches: the way to see an event moto delivered. */
  const ruleToQueue = async (name: string, source: string): Promise<string> => {
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn;
    await eventBridge.send(
      new PutRuleCommand({ Name: name, EventBusName: options.busName, EventPattern: JSON.stringify({ source: [source] }), State: 'ENABLED' }),
    );
    await eventBridge.send(new PutTargetsCommand({ Rule: name, EventBusName: options.busName, Targets: [{ Id: 'queue', Arn: queueArn }] }));
    return queue.QueueUrl as string;
  };
  const completionQueueUrl = await ruleToQueue('completion-events', 'db-migrator');
  const replayQueueUrl = await ruleToQueue('replay-requests', 'db-migrator.replay');

  const nextEvent = async (queueUrl: string): Promise<any> => {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: QUEUE_WAIT_SECONDS }));
    const message = received.Messages?.[0];
    if (!message) throw new Error(`no event reached ${queueUrl} within ${QUEUE_WAIT_SECONDS} s`);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    return JSON.parse(message.Body as string);
  };

  return {
    secretArn: secret.ARN as string,
    busName: options.busName,
    migratorStackId: migrator.StackId as string,
    watchedStackId: watched.StackId as string,
    watchedStackName: options.watchedStackName,
    completionQueueUrl,
    replayQueueUrl,
    async setSecret(credentials) {
      await secretsManager.send(new PutSecretValueCommand({ SecretId: secret.ARN, SecretString: JSON.stringify(credentials) }));
    },
    async parameter(name) {
      try {
        return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
      } catch (error) {
        if ((error as Error).name === 'ParameterNotFound') return undefined;
        throw error;
      }
    },
    nextCompletionEvent: () => nextEvent(completionQueueUrl),
    nextEvent,
    destroy() {
      for (const client of [cloudFormation, eventBridge, secretsManager, sqs, ssm]) client.destroy();
    },
  };
}
