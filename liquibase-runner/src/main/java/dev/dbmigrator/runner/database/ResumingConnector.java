package dev.dbmigrator.runner.database;

import dev.dbmigrator.runner.result.Reason;
import dev.dbmigrator.runner.secret.DatabaseSecret;
import dev.dbmigrator.runner.secret.SecretSource;
import dev.dbmigrator.runner.secret.SecretUnavailableException;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects while an Aurora Serverless v2 cluster resumes from 0 ACU (about 15 s, 30 s after a long pause):
 * retries connection-class failures (SQLState 08xxx, and 57P03 "the database system is starting up") with
 * exponential backoff and full jitter, within a budget. An authentication failure is not retried blindly: the
 * secret is read once more, since the password may just have been rotated, and one more attempt is made.
 */
public final class ResumingConnector {
  private static final Logger LOG = LoggerFactory.getLogger(ResumingConnector.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  private final DatabaseConnector connector;
  private final Duration budget;

  public ResumingConnector(DatabaseConnector connector, Duration budget) {
    this.connector = connector;
    this.budget = budget;
  }

  /** The same, with sessions in one tenant's schema ({@link DatabaseConnector#inSchema}). */
  public ResumingConnector inSchema(String schema) {
    return new ResumingConnector(connector.inSchema(schema), budget);
  }

  public Connection connect(DatabaseSecret secret, SecretSource secrets)
      throws ConnectionFailedException, SecretUnavailableException {
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    boolean secretReread = false;
    long backoff = FIRST_BACKOFF.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return connector.connect(secret);
      } catch (ConnectionFailedException e) {
        if (e.reason() == Reason.AUTH_FAILED && !secretReread) {
          LOG.warn("authentication failed; reading the secret again in case the password was just rotated");
          secret = secrets.fetch();
          secretReread = true;
          continue;
        }
        if (!e.retryable()) {
          throw e;
        }
        long sleep = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
        if (System.nanoTime() + sleep * 1_000_000 > deadline) {
          throw new ConnectionFailedException(Reason.CONNECTION_FAILED, e.getMessage() + "; gave up after "
              + attempt + " attempt(s) in " + (System.nanoTime() - start) / 1_000_000 + " ms (connect budget "
              + budget.toSeconds() + " s)", e.sqlState());
        }
        LOG.info("connection attempt {} failed ({}); retrying in {} ms", attempt, e.sqlState(), sleep);
        sleepQuietly(sleep);
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      }
    }
  }

  private static void sleepQuietly(long millis) throws ConnectionFailedException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionFailedException(Reason.CONNECTION_FAILED, "interrupted while waiting to reconnect", null);
    }
  }
}
