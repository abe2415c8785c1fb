package dev.dbmigrator.runner.secret;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.json.JsonTrees;
import java.io.IOException;

/**
 * The database credentials, in the shape RDS writes to Secrets Manager. {@link #toString()} never shows the
 * password, so a careless log line cannot leak it.
 */
public record DatabaseSecret(String host, int port, String username, String password, String dbname) {
  /**
   * Parses a secret string. Error messages name the missing keys only: the JSON parser's own messages quote
   * the input, so they are never passed on.
   */
  public static DatabaseSecret fromJson(String secretString) throws SecretUnavailableException {
    return fromJson(secretString, null);
  }

  /**
   * As {@link #fromJson(String)}, for a database named elsewhere (a fleet's manifest): the secret then needs no
   * {@code dbname}, and one it has is not used, since one cluster's credentials often serve many databases.
   */
  public static DatabaseSecret fromJson(String secretString, String databaseName) throws SecretUnavailableException {
    JsonNode json;
    try {
      json = secretString == null ? null : JsonTrees.read(secretString);
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw new SecretUnavailableException("the secret value is not a JSON object");
    }
    StringBuilder missing = new StringBuilder();
    for (String key : databaseName == null ? new String[] {"host", "port", "username", "password", "dbname"}
        : new String[] {"host", "port", "username", "password"}) {
      JsonNode value = json.get(key);
      boolean present = value != null && (value.isTextual() && !value.textValue().isBlank()
          || key.equals("port") && value.canConvertToInt());
      if (!present) {
        missing.append(missing.length() == 0 ? "" : ", ").append(key);
      }
    }
    if (missing.length() > 0) {
      throw new SecretUnavailableException("the secret lacks the key(s): " + missing);
    }
    JsonNode port = json.get("port");
    int portNumber = port.isNumber() ? port.intValue() : parsePort(port.textValue());
    return new DatabaseSecret(json.get("host").textValue(), portNumber, json.get("username").textValue(),
        json.get("password").textValue(), databaseName == null ? json.get("dbname").textValue() : databaseName);
  }

  private static int parsePort(String text) throws SecretUnavailableException {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new SecretUnavailableException("the secret's port is not a number");
    }
  }

  @Override
  public String toString() {
    return "DatabaseSecret[host=" + host + ", port=" + port + ", dbname=" + dbname + ", credentials=***]";
  }
}
