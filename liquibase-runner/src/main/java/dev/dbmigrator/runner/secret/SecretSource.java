package dev.dbmigrator.runner.secret;

/** Where the database credentials come from: Secrets Manager in Lambda, the local database in npm start. */
public interface SecretSource {
  DatabaseSecret fetch() throws SecretUnavailableException;
}
