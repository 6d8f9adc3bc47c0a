package dev.switchboard.relay;

import io.vertx.core.buffer.Buffer;

/**
 * Server-sent events from the raw reads of a stream: splits lines on "\n" (a trailing "\r" is
 * dropped), joins multi-line {@code data:} with "\n", skips comments and other fields, and hands
 * each event's data on at the blank line that ends it. One line or one event past the bound is
 * refused.
 *
 * <p>Works on the reads themselves: bytes are copied only for the data string and for a line cut
 * by the end of a read. An event that came as exactly {@code data: <data>\n\n} within one read is
 * handed on with those bytes too (a slice of the read), so a relay that passes it through as it
 * came can write them instead of encoding the string again.
 *
 * <p>{@link #pause()} stops at the next line; the rest of the read waits until {@link #resume()}.
 */
public final class SseParser implements StreamSplitter {

  /** Receives each event. */
  @FunctionalInterface
  public interface EventHandler {
    /**
     * @param data the event's data
     * @param wire the event's bytes when they were exactly {@code data: <data>\n\n} in one read, else null
     */
    void onEvent(String data, Buffer wire);
  }

  /** One line or one event went past its bound: the stream cannot be relayed faithfully. */
  public static final class EventTooLargeException extends RuntimeException {
    public EventTooLargeException(String message) {
      super(message, null, false, false);
    }
  }

  private static final byte[] DATA_FIELD = {'d', 'a', 't', 'a'};

  private final EventHandler onEvent;
  private final int max;

  /** The start of a line that the last read cut off, or null. */
  private Buffer partial;
  /** What {@link #pause()} left unread of the current read, or null. */
  private Buffer rest;
  private boolean paused;

  /** The data of an event with one data line; a builder once a second one comes. */
  private String single;
  private StringBuilder joined;
  private boolean hasData;
  /** Where the event's only data line lies, when it can still turn out to be the whole event. */
  private Buffer wireIn;
  private int wireStart = -1;
  private int wireLineEnd = -1;

  /** @param max bytes of one line and characters of one event's data */
  public SseParser(int max, EventHandler onEvent) {
    this.max = max;
    this.onEvent = onEvent;
  }

  /**
   * One read of the stream, as it came.
   *
   * @throws EventTooLargeException when a line or an event grows past the bound
   */
  public void feed(Buffer read) {
    int length = read.length();
    int pos = 0;
    while (pos < length && !paused) {
      int lf = indexOfLf(read, pos, length);
      if (lf < 0) {
        keepPartial(read, pos, length);
        return;
      }
      if (partial != null) {
        Buffer line = partial.appendBuffer(read, pos, lf - pos);
        partial = null;
        line(line, 0, line.length());
      } else {
        line(read, pos, lf);
      }
      pos = lf + 1;
    }
    if (pos < length) {
      Buffer left = read.slice(pos, length);
      rest = rest == null ? left : Buffer.buffer(rest.length() + left.length()).appendBuffer(rest).appendBuffer(left);
    }
  }

  /** Stops handing on events at the next line, until {@link #resume()}. */
  public void pause() {
    paused = true;
  }

  public boolean paused() {
    return paused;
  }

  /** Goes on with what {@link #pause()} left of the last read (which may pause again). */
  public void resume() {
    paused = false;
    Buffer left = rest;
    rest = null;
    if (left != null) {
      feed(left);
    }
  }

  /** End of stream: as the SSE standard says, an event not closed by a blank line is dropped. */
  public void end() {
    partial = null;
    rest = null;
    resetEvent();
  }

  private void keepPartial(Buffer read, int from, int to) {
    if (partial == null) {
      partial = Buffer.buffer(to - from + 64);
    }
    partial.appendBuffer(read, from, to - from);
    if (partial.length() > max) {
      throw new EventTooLargeException("server-sent event line longer than " + max + " bytes");
    }
  }

  /** The line in {@code buf} from {@code start} to {@code lf}, the index of its "\n" (or its end). */
  private void line(Buffer buf, int start, int lf) {
    int end = lf;
    if (end > start && buf.getByte(end - 1) == '\r') {
      end--;
    }
    if (end == start) {
      Buffer wire = hasData && single != null && buf == wireIn && end == lf && start == wireLineEnd + 1
          ? buf.slice(wireStart, lf + 1) : null;
      dispatch(wire);
      return;
    }
    wireIn = null;
    if (buf.getByte(start) == ':' || !isDataField(buf, start, end)) {
      return;
    }
    int valueStart = start + DATA_FIELD.length;
    if (valueStart < end) {
      valueStart++;
      if (valueStart < end && buf.getByte(valueStart) == ' ') {
        valueStart++;
      }
    }
    String value = buf.getString(valueStart, end);
    if (!hasData) {
      single = value;
      hasData = true;
      if (end == lf && valueStart == start + 6) {
        wireIn = buf;
        wireStart = start;
        wireLineEnd = lf;
      }
    } else {
      if (joined == null) {
        joined = new StringBuilder(single.length() + value.length() + 16);
      }
      if (single != null) {
        joined.append(single);
        single = null;
      }
      joined.append('\n').append(value);
    }
    if ((single != null ? single.length() : joined.length()) > max) {
      throw new EventTooLargeException("server-sent event larger than " + max + " characters");
    }
  }

  /** The field name is "data": the line is "data" or starts with "data:". */
  private static boolean isDataField(Buffer buf, int start, int end) {
    int fieldEnd = start + DATA_FIELD.length;
    if (fieldEnd > end) {
      return false;
    }
    for (int i = 0; i < DATA_FIELD.length; i++) {
      if (buf.getByte(start + i) != DATA_FIELD[i]) {
        return false;
      }
    }
    return fieldEnd == end || buf.getByte(fieldEnd) == ':';
  }

  private void dispatch(Buffer wire) {
    if (!hasData) {
      return;
    }
    String event = single != null ? single : joined.toString();
    resetEvent();
    onEvent.onEvent(event, wire);
  }

  private void resetEvent() {
    single = null;
    if (joined != null) {
      joined.setLength(0);
    }
    hasData = false;
    wireIn = null;
  }

  private static int indexOfLf(Buffer buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
