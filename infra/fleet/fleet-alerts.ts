import * as events from 'aws-cdk-lib/aws-events';

const field = (jsonPath: string) => events.EventField.fromPath(jsonPath);

/** One line from a `Database Fleet Migration Failed` event's FleetSummary detail. */
export function fleetFailureAlertMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `Database fleet migration FAILED (${field('$.detail.reason')}) for fleet ${field('$.detail.fleet')}: ` +
      `${field('$.detail.message')} | execution: ${field('$.detail.executionArn')}`,
  );
}

/** One line from a Step Functions Execution Status Change event. */
export function executionEndedAlertMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `Database fleet execution ended ${field('$.detail.status')} without a verdict: ${field('$.detail.executionArn')}`,
  );
}
