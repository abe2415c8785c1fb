package dev.dbmigrator.runner.local;

import dev.dbmigrator.runner.recording.EventPublisher;
import java.io.PrintStream;

/** Local stand-in for EventBridge: prints the completion event to stderr, leaving stdout to the result. */
public final class StderrEventPublisher implements EventPublisher {
  private final String source;
  private final PrintStream out;

  public StderrEventPublisher(String source, PrintStream out) {
    this.source = source;
    this.out = out;
  }

  @Override
  public void publish(String detailType, String resultJson) {
    out.println("completion event (local stand-in for EventBridge): source=" + source + " detail-type=\""
        + detailType + "\" detail=" + resultJson);
  }
}
