package dev.dbmigrator.runner.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads JSON into Jackson's tree model with Jackson's streaming parser, without an ObjectMapper. Building an
 * ObjectMapper loads and configures most of jackson-databind (serializer factories, type factory, date formats):
 * about 200 ms of a cold start on two cores, spent on every run only to read an event and a secret. The tree is
 * the one {@code ObjectMapper.readTree} builds (ints, longs and big integers as such, other numbers as doubles, the
 * last of duplicate keys), so the code that reads it is unchanged.
 */
public final class JsonTrees {
  /**
   * EventBridge caps an event at 256 KB, and a secret at 64 KB: anything deeper or longer than this is junk, not
   * input.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(262_144).build())
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /** The one JSON value of {@code input}, or an IOException when it is not JSON (or is empty). */
  public static JsonNode read(InputStream input) throws IOException {
    try (JsonParser parser = FACTORY.createParser(input)) {
      return readWhole(parser);
    }
  }

  /** As {@link #read(InputStream)}, from text. */
  public static JsonNode read(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return readWhole(parser);
    }
  }

  private static JsonNode readWhole(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new JsonParseException(parser, "no JSON value");
    }
    return value(parser, first);
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          object.set(name, value(parser, parser.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(value(parser, next));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return NODES.numberNode(parser.getIntValue());
          case LONG:
            return NODES.numberNode(parser.getLongValue());
          default:
            return NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new JsonParseException(parser, "unexpected token " + token);
    }
  }
}
