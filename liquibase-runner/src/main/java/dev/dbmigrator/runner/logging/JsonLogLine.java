package dev.dbmigrator.runner.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

/**
 * One log event as one line of JSON, newline included:
 * {@code {"timestamp":…,"level":…,"logger":…,"service":…,"message":…}} ({@code service} only when the function
 * names one), then the MDC's entries (the Lambda request id, when the
 * handler set it), then {@code "error":{"type","message","stack"}} when a throwable came with the event.
 * Every value is a JSON string, escaped by Jackson's encoder.
 */
final class JsonLogLine {
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private JsonLogLine() {}

  static String format(Instant time, String level, String logger, String service, String message,
      Map<String, String> mdc, Throwable error) {
    StringBuilder line = new StringBuilder(160 + (message == null ? 0 : message.length()));
    line.append('{');
    field(line, "timestamp", time.toString()).append(',');
    field(line, "level", level).append(',');
    field(line, "logger", logger).append(',');
    if (service != null) {
      field(line, "service", service).append(',');
    }
    field(line, "message", message);
    if (mdc != null) {
      for (Map.Entry<String, String> entry : mdc.entrySet()) {
        line.append(',');
        field(line, entry.getKey(), entry.getValue());
      }
    }
    if (error != null) {
      line.append(",\"error\":{");
      field(line, "type", error.getClass().getName()).append(',');
      field(line, "message", error.getMessage()).append(',');
      field(line, "stack", stackOf(error)).append('}');
    }
    return line.append("}\n").toString();
  }

  private static StringBuilder field(StringBuilder line, String key, String value) {
    string(line, key).append(':');
    return value == null ? line.append("null") : string(line, value);
  }

  private static StringBuilder string(StringBuilder line, String value) {
    line.append('"');
    ENCODER.quoteAsString(value, line);
    return line.append('"');
  }

  private static String stackOf(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
