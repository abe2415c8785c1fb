package dev.dbmigrator.runner.local;

import dev.dbmigrator.runner.MigrationRunner;
import dev.dbmigrator.runner.fleet.TargetResultJson;
import dev.dbmigrator.runner.result.MigrationResult;
import dev.dbmigrator.runner.result.Status;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs every target of a local fleet in one JVM, {@code concurrency} at a time, each through the single runner's
 * code path. One JVM, not one per target: a JVM start and Liquibase's class loading cost more than a small
 * changelog's whole run, and Liquibase keeps its scope per thread. Prints one result line per target as it ends.
 */
final class LocalFleet {
  private LocalFleet() {}

  /**
   * @param runnerFor a runner for one target's credentials, built as a single local run's
   * @return 1 when any target FAILED, else 0
   */
  static int run(LocalTargets targets, int concurrency, boolean dryRun,
      Function<LocalTargets.Target, MigrationRunner> runnerFor, PrintStream out) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, runnable -> {
      Thread thread = new Thread(runnable, "target");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Status>> runs = new ArrayList<>();
      for (LocalTargets.Target target : targets.targets()) {
        runs.add(pool.submit(() -> {
          MigrationResult result = runnerFor.apply(target).withSchema(target.schema())
              .run(LocalTrigger.event(dryRun));
          String line = TargetResultJson.toJson(result, target.id(), target.schema());
          synchronized (out) {
            out.println(line);
            out.flush();
          }
          return result.status();
        }));
      }
      boolean failed = false;
      for (Future<Status> run : runs) {
        try {
          failed |= run.get() == Status.FAILED;
        } catch (ExecutionException e) {
          // Only a failure to record escapes a run, and a local fleet records nothing but this line.
          System.err.println("a target's run ended without a result: " + e.getCause());
          failed = true;
        }
      }
      return failed ? 1 : 0;
    } finally {
      pool.shutdownNow();
    }
  }
}
