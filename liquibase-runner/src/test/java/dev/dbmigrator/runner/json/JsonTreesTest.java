package dev.dbmigrator.runner.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tree is the one ObjectMapper.readTree builds, and junk is refused. */
class JsonTreesTest {
  @Test
  void buildsTheTreeObjectMapperBuilds() throws Exception {
    String text = "{\"a\":1,\"b\":[true,false,null,\"s\\u00fc\\n\"],\"c\":{\"d\":12345678901,"
        + "\"e\":123456789012345678901234567890,\"f\":1.5e3,\"g\":-0.25},\"a\":2,\"h\":{}}";

    assertEquals(new ObjectMapper().readTree(text), JsonTrees.read(text));
    assertEquals(new ObjectMapper().readTree(text),
        JsonTrees.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    assertEquals(2, JsonTrees.read(text).get("a").intValue(), "the last of duplicate keys, as readTree");
  }

  @Test
  void refusesWhatIsNotOneJsonValue() {
    assertThrows(IOException.class, () -> JsonTrees.read(""));
    assertThrows(IOException.class, () -> JsonTrees.read("{\"a\":"));
    assertThrows(IOException.class, () -> JsonTrees.read("not json"));
    assertThrows(IOException.class, () -> JsonTrees.read("[".repeat(65) + "]".repeat(65)), "deeper than 64");
  }
}
