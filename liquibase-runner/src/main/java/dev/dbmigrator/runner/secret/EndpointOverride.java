package dev.dbmigrator.runner.secret;

/**
 * Connects to the deployed cluster endpoint (DB_HOST, DB_PORT) rather than the host in the secret, which RDS
 * may have written for one instance; the credentials still come from the secret.
 */
public final class EndpointOverride {
  private EndpointOverride() {}

  public static SecretSource apply(SecretSource source, String host, Integer port) {
    if (host == null && port == null) {
      return source;
    }
    return () -> {
      DatabaseSecret s = source.fetch();
      return new DatabaseSecret(host == null ? s.host() : host, port == null ? s.port() : port, s.username(),
          s.password(), s.dbname());
    };
  }
}
