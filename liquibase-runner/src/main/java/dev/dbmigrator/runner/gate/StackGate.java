package dev.dbmigrator.runner.gate;

import dev.dbmigrator.runner.trigger.Trigger;

/** Looks at the triggering stack as it is now, before anything touches the database. */
public interface StackGate {
  GateVerdict check(Trigger trigger);
}
