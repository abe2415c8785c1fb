package dev.dbmigrator.runner.local;

import dev.dbmigrator.runner.gate.GateVerdict;
import dev.dbmigrator.runner.gate.StackGate;
import dev.dbmigrator.runner.gate.StackStatusPolicy;
import dev.dbmigrator.runner.trigger.Trigger;

/**
 * Local stand-in for the CloudFormation gate: with no AWS account there is no stack to describe, so the
 * event's own status is taken as the current one, under the same policy. Replays and local runs proceed.
 */
final class EventStatusGate implements StackGate {
  @Override
  public GateVerdict check(Trigger trigger) {
    if (trigger.stackStatus() == null) {
      return GateVerdict.proceed(null, trigger.stackId());
    }
    return StackStatusPolicy.verdict(trigger.stackName(), trigger.stackStatus(), trigger.stackId());
  }
}
