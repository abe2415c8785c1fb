package dev.dbmigrator.runner.trigger;

import dev.dbmigrator.runner.result.Reason;

/** The parser's verdict: a trigger to run, or a reason not to, with whatever could be read safely. */
public sealed interface ParsedTrigger {
  Trigger trigger();

  record Accepted(Trigger trigger) implements ParsedTrigger {}

  /** {@code reason} is INVALID_EVENT (malformed) or NOT_A_TRIGGER (well-formed, but nothing to run). */
  record Rejected(Reason reason, String message, Trigger trigger) implements ParsedTrigger {}
}
