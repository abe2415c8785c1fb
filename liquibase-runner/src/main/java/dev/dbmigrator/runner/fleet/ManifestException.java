package dev.dbmigrator.runner.fleet;

import dev.dbmigrator.runner.result.Reason;

/**
 * The manifest could not be had: MANIFEST_UNAVAILABLE (S3 did not give it) or MANIFEST_INVALID (it is not a JSON
 * array of valid targets with unique ids). The message names what is wrong, never a secret.
 */
public final class ManifestException extends Exception {
  private final Reason reason;

  public ManifestException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
