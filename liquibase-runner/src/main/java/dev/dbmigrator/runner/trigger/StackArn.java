package dev.dbmigrator.runner.trigger;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CloudFormation stack ARNs and names, validated strictly before anything else looks at them. */
public final class StackArn {
  /** CloudFormation's own rule for stack names. */
  public static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][-A-Za-z0-9]{0,127}");

  // The documented sample events carry an ARN without the trailing GUID, so it is optional here.
  private static final Pattern ARN = Pattern.compile(
      "arn:aws(?:-cn|-us-gov)?:cloudformation:[a-z0-9-]{1,32}:\\d{12}:stack/("
          + STACK_NAME.pattern() + ")(?:/([-a-zA-Z0-9]{1,64}))?/?");

  private StackArn() {}

  /** The stack name inside a stack id (or a stack-id prefix ending in '/'), if it is a well-formed ARN. */
  public static Optional<String> nameOf(String stackId) {
    if (stackId == null || stackId.length() > 512) {
      return Optional.empty();
    }
    Matcher m = ARN.matcher(stackId);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  public static boolean isValidName(String name) {
    return name != null && STACK_NAME.matcher(name).matches();
  }
}
