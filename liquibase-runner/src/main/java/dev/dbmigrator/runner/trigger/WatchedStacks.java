package dev.dbmigrator.runner.trigger;

import java.util.Arrays;
import java.util.List;

/**
 * The stacks whose deploys start a migration, from the deployed configuration. An entry is an exact stack id,
 * or a prefix {@code arn:…:stack/<name>/} for a stack outside the CDK app, exactly as in the event rule.
 */
public final class WatchedStacks {
  private final List<String> entries;

  private WatchedStacks(List<String> entries) {
    this.entries = entries;
  }

  /** Parses the comma-separated WATCHED_STACKS value; every entry must be a stack ARN or ARN prefix. */
  public static WatchedStacks parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      throw new IllegalArgumentException("WATCHED_STACKS is empty: name at least one stack id");
    }
    List<String> entries = Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
    for (String entry : entries) {
      if (StackArn.nameOf(entry).isEmpty()) {
        throw new IllegalArgumentException(
            "WATCHED_STACKS entry is not a CloudFormation stack ARN or arn:…:stack/<name>/ prefix: " + entry);
      }
    }
    return new WatchedStacks(entries);
  }

  public boolean containsStackId(String stackId) {
    return entries.stream().anyMatch(e -> e.endsWith("/") ? stackId.startsWith(e) : stackId.equals(e));
  }

  public boolean containsStackName(String stackName) {
    return entries.stream().anyMatch(e -> StackArn.nameOf(e).orElseThrow().equals(stackName));
  }

  public List<String> entries() {
    return entries;
  }
}
