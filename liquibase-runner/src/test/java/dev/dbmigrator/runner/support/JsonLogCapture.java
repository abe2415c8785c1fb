package dev.dbmigrator.runner.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The runner's JSON log lines written to stderr while some work runs (the log writes to System.err as it is then). */
public final class JsonLogCapture {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Work that may throw, as a handler invocation does. */
  @FunctionalInterface
  public interface Work {
    void run() throws Exception;
  }

  private JsonLogCapture() {}

  public static List<JsonNode> lines(Work work) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setErr(original);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
