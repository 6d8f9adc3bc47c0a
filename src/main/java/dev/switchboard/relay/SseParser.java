package dev.switchboard.relay;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Server-sent events from lines (the line end already removed by a RecordParser on "\n"): strips
 * a trailing "\r", joins multi-line {@code data:} with "\n", skips comments and other fields, and
 * hands each event's data on at the blank line that ends it. The caller bounds one line; this
 * bounds one event.
 */
public final class SseParser {

  private final Consumer<String> onData;
  private final int maxEventChars;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  public SseParser(int maxEventChars, Consumer<String> onData) {
    this.maxEventChars = maxEventChars;
    this.onData = onData;
  }

  /** One line or one event went past its bound: the stream cannot be relayed faithfully. */
  public static final class EventTooLargeException extends RuntimeException {
    public EventTooLargeException(String message) {
      super(message, null, false, false);
    }
  }

  /** @throws EventTooLargeException when one event grows past the bound */
  public void line(Buffer line) {
    int length = line.length();
    if (length > 0 && line.getByte(length - 1) == '\r') {
      length--;
    }
    if (length == 0) {
      dispatch();
      return;
    }
    if (line.getByte(0) == ':') {
      return;
    }
    String text = line.getString(0, length, StandardCharsets.UTF_8.name());
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    if (!"data".equals(field)) {
      return;
    }
    int start = colon < 0 ? text.length() : colon + 1;
    if (start < text.length() && text.charAt(start) == ' ') {
      start++;
    }
    if (hasData) {
      data.append('\n');
    }
    data.append(text, start, text.length());
    hasData = true;
    if (data.length() > maxEventChars) {
      throw new EventTooLargeException("server-sent event larger than " + maxEventChars + " characters");
    }
  }

  /** End of stream: as the SSE standard says, an event not closed by a blank line is dropped. */
  public void end() {
    data.setLength(0);
    hasData = false;
  }

  private void dispatch() {
    if (!hasData) {
      return;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    onData.accept(event);
  }
}
