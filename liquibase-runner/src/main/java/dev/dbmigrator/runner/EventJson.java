package dev.dbmigrator.runner;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/** Reads an incoming event. Unparsable input yields null, which the trigger parser turns into INVALID_EVENT. */
public final class EventJson {
  // EventBridge caps an event at 256 KB; anything deeper or longer than this is junk, not a trigger.
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(64).maxStringLength(262_144).build());
  }

  private EventJson() {}

  public static JsonNode read(InputStream input) {
    try {
      return MAPPER.readTree(input);
    } catch (IOException e) {
      return null;
    }
  }
}
