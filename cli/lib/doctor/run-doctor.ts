import type { AwsClients } from '../aws-clients';
import { type CheckResult, skip } from './check';
import { checkDeadLetterQueue } from './dead-letter-check';
import { checkNetwork } from './network-check';
import { checkResultParameter } from './result-check';
import { checkRules } from './rules-check';
import { checkRunner } from './runner-check';
import { checkSecret } from './secret-check';
import { checkStack } from './stack-check';

/** Runs every check in order; a check whose input an earlier failure left unknown is reported as skipped. */
export async function runDoctor(
  clients: AwsClients,
  stackName: string,
  onResult: (result: CheckResult) => void = () => undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult): void => {
    results.push(result);
    onResult(result);
  };
  const region = await clients.region();

  const { check: stackCheck, stack } = await checkStack(clients.cloudFormation, stackName, region);
  report(stackCheck);
  const output = (name: string): string | undefined => stack?.outputs[name];
  const unknown = (what: string): string => `not checked: ${what} is unknown (see the stack check)`;

  const functionName = output('RunnerFunctionName');
  const { check: runnerCheck, runner } = functionName
    ? await checkRunner(clients.lambda, functionName, region)
    : { check: skip('runner function', unknown('the RunnerFunctionName output')), runner: undefined };
  report(runnerCheck);

  const secretArn = runner?.environment.DB_SECRET_ARN;
  report(secretArn ? await checkSecret(clients.secretsManager, secretArn) : skip('database secret', unknown("the runner's DB_SECRET_ARN")));

  const bus = output('EventBusName');
  report(
    runner && bus
      ? await checkRules(clients.eventBridge, runner.functionArn, bus)
      : skip('event rules', unknown('the runner function or the EventBusName output')),
  );

  report(
    runner && region
      ? await checkNetwork(clients.ec2, runner.subnetIds, region)
      : skip('network', unknown('the runner function or the region')),
  );

  const queueUrl = output('DeadLetterQueueUrl');
  report(queueUrl ? await checkDeadLetterQueue(clients.sqs, queueUrl) : skip('dead-letter queue', unknown('the DeadLetterQueueUrl output')));

  const parameterName = output('ResultParameterName');
  report(
    parameterName
      ? await checkResultParameter(clients.ssm, parameterName, region)
      : skip('result parameter', unknown('the ResultParameterName output')),
  );
  return results;
}
