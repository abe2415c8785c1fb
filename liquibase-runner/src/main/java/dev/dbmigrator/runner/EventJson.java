package dev.dbmigrator.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmigrator.runner.json.JsonTrees;
import java.io.IOException;
import java.io.InputStream;

/** Reads an incoming event. Unparsable input yields null, which the trigger parser turns into INVALID_EVENT. */
public final class EventJson {
  private EventJson() {}

  public static JsonNode read(InputStream input) {
    try {
      return JsonTrees.read(input);
    } catch (IOException e) {
      return null;
    }
  }
}
