package dev.dbmigrator.runner.gate;

import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.trigger.Trigger;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * DescribeStacks on the triggering stack. If CloudFormation cannot answer, the run neither migrates blindly nor
 * vanishes: it fails with GATE_UNAVAILABLE, which alerts, and can be replayed.
 */
public final class CloudFormationGate implements StackGate {
  private final CloudFormationClient cloudFormation;
  private final WatchedStacks watched;

  public CloudFormationGate(CloudFormationClient cloudFormation, WatchedStacks watched) {
    this.cloudFormation = cloudFormation;
    this.watched = watched;
  }

  @Override
  public GateVerdict check(Trigger trigger) {
    // A stack id names one incarnation of the stack; a replay names the stack by name and is resolved here.
    String target = trigger.stackId() != null ? trigger.stackId() : trigger.stackName();
    Stack stack;
    try {
      var stacks = cloudFormation.describeStacks(r -> r.stackName(target)).stacks();
      if (stacks.isEmpty()) {
        return gone(trigger);
      }
      stack = stacks.get(0);
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() != null && "ValidationError".equals(e.awsErrorDetails().errorCode())
          && String.valueOf(e.awsErrorDetails().errorMessage()).contains("does not exist")) {
        return gone(trigger);
      }
      return unavailable(trigger, e.awsErrorDetails() == null ? e.getClass().getSimpleName()
          : e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ")");
    } catch (SdkException e) {
      return unavailable(trigger, e.getClass().getSimpleName());
    }
    if (trigger.stackId() == null && !watched.containsStackId(stack.stackId())) {
      return new GateVerdict(Reason.NOT_A_TRIGGER, "stack " + trigger.stackName() + " is now " + stack.stackId()
          + ", which is not the watched stack (deleted and recreated?)", stack.stackStatusAsString(), stack.stackId());
    }
    return StackStatusPolicy.verdict(trigger.stackName(), stack.stackStatusAsString(), stack.stackId());
  }

  private static GateVerdict gone(Trigger trigger) {
    return new GateVerdict(Reason.STACK_GONE, "stack " + trigger.stackName() + " no longer exists: nothing was applied",
        null, trigger.stackId());
  }

  private static GateVerdict unavailable(Trigger trigger, String why) {
    return new GateVerdict(Reason.GATE_UNAVAILABLE, "CloudFormation DescribeStacks on " + trigger.stackName()
        + " failed (" + why + "): nothing was applied; replay the run once CloudFormation answers",
        null, trigger.stackId());
  }
}
