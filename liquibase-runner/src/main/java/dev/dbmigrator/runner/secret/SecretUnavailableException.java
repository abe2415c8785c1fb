package dev.dbmigrator.runner.secret;

/** The credentials could not be had. The message is safe to record: it never holds secret material. */
public class SecretUnavailableException extends Exception {
  public SecretUnavailableException(String message) {
    super(message);
  }
}
