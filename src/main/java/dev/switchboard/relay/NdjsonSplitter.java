package dev.switchboard.relay;

import io.vertx.core.buffer.Buffer;

/**
 * Newline-delimited JSON (Ollama's streams) from the raw reads of a stream: each non-blank line is
 * one event, a trailing "\r" dropped. A line longer than the bound is refused, whether it came in
 * one read or many, so a provider cannot make the gateway buffer without limit. Bytes are copied
 * only for the event string and for a line cut by the end of a read.
 */
final class NdjsonSplitter implements StreamSplitter {

  private final SseParser.EventHandler onEvent;
  private final int max;
  /** The start of a line that the last read cut off, or null. */
  private Buffer partial;
  /** What {@link #pause()} left unread of the current read, or null. */
  private Buffer rest;
  private boolean paused;

  /** @param max bytes of one line */
  NdjsonSplitter(int max, SseParser.EventHandler onEvent) {
    this.max = max;
    this.onEvent = onEvent;
  }

  @Override
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

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public boolean paused() {
    return paused;
  }

  @Override
  public void resume() {
    paused = false;
    Buffer left = rest;
    rest = null;
    if (left != null) {
      feed(left);
    }
  }

  /** A last line without its newline is dropped: a stream cut mid-line has no whole event there. */
  @Override
  public void end() {
    partial = null;
    rest = null;
  }

  private void keepPartial(Buffer read, int from, int to) {
    if (partial == null) {
      partial = Buffer.buffer(Math.min(to - from + 64, max + 1));
    }
    partial.appendBuffer(read, from, to - from);
    if (partial.length() > max) {
      partial = null;
      throw tooLong();
    }
  }

  private void line(Buffer buf, int start, int lf) {
    int end = lf;
    if (end > start && buf.getByte(end - 1) == '\r') {
      end--;
    }
    if (end - start > max) {
      throw tooLong();
    }
    if (isBlank(buf, start, end)) {
      return;
    }
    onEvent.onEvent(buf.getString(start, end), null);
  }

  private SseParser.EventTooLargeException tooLong() {
    return new SseParser.EventTooLargeException("stream line longer than " + max + " bytes");
  }

  private static boolean isBlank(Buffer buf, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = buf.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
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
