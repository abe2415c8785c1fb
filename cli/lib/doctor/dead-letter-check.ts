import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'dead-letter queue';

/** A message here is a run that left no result (a crash, a timeout) or an event the rules could not deliver. */
export async function checkDeadLetterQueue(sqs: SQSClient, queueUrl: string): Promise<CheckResult> {
  return guarded(NAME, `sqs:GetQueueAttributes on ${queueUrl}`, async () => {
    const response = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const visible = Number(response.Attributes?.ApproximateNumberOfMessages ?? 0);
    const inFlight = Number(response.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    const total = visible + inFlight;
    if (total === 0) return pass(NAME, 'empty');
    return fail(
      NAME,
      `${total} message(s) waiting: runs that crashed or timed out, or events that could not be delivered`,
      `read them with \`aws sqs receive-message --queue-url ${queueUrl} --max-number-of-messages 10\`, ` +
        'fix the cause (runner logs), replay the stack, then purge the queue',
    );
  });
}
