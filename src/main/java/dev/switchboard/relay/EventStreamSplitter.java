package dev.switchboard.relay;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * AWS's binary event-stream framing (Bedrock's ConverseStream) from the raw reads of a stream.
 * Each frame starts with its total length; a frame longer than the bound is refused as soon as
 * its length is read, so the gateway never buffers more than one bounded frame. AWS's own decoder
 * checks each frame's CRCs. An event frame reaches the translator as {@code {"<:event-type>":<payload>}};
 * an exception or error frame as {@code {"exception":{"type":"<type>","payload":<payload>}}}.
 */
final class EventStreamSplitter implements StreamSplitter {

  /** Prelude (total and headers length, CRC) and message CRC: the smallest frame. */
  private static final int MIN_FRAME = 16;

  private final SseParser.EventHandler onEvent;
  private final int max;
  /** The start of a frame that the last read cut off, or null. */
  private Buffer partial;
  /** What {@link #pause()} left unread of the current read, or null. */
  private Buffer rest;
  private boolean paused;

  /** @param max bytes of one frame */
  EventStreamSplitter(int max, SseParser.EventHandler onEvent) {
    this.max = max;
    this.onEvent = onEvent;
  }

  @Override
  public void feed(Buffer read) {
    int length = read.length();
    int pos = 0;
    while (pos < length && !paused) {
      if (partial != null) {
        pos = fill(read, pos, length);
        continue;
      }
      if (length - pos < 4) {
        partial = Buffer.buffer(64).appendBuffer(read, pos, length - pos);
        return;
      }
      int total = checkedLength(read.getInt(pos));
      if (length - pos < total) {
        partial = Buffer.buffer(total).appendBuffer(read, pos, length - pos);
        return;
      }
      frame(read.getBytes(pos, pos + total));
      pos += total;
    }
    if (pos < length) {
      Buffer left = read.slice(pos, length);
      rest = rest == null ? left : Buffer.buffer(rest.length() + left.length()).appendBuffer(rest).appendBuffer(left);
    }
  }

  /** Adds to the cut-off frame what it still needs of {@code read}; hands it on once whole. */
  private int fill(Buffer read, int pos, int length) {
    int need = partial.length() < 4 ? 4 - partial.length() : partial.getInt(0) - partial.length();
    int take = Math.min(need, length - pos);
    partial.appendBuffer(read, pos, take);
    if (partial.length() == 4) {
      checkedLength(partial.getInt(0));
    }
    if (partial.length() >= 4 && partial.length() == partial.getInt(0)) {
      Buffer whole = partial;
      partial = null;
      frame(whole.getBytes());
    }
    return pos + take;
  }

  private int checkedLength(int total) {
    if (total < MIN_FRAME) {
      throw invalid("an event-stream frame declares " + total + " bytes, fewer than a frame has");
    }
    if (total > max) {
      partial = null;
      throw new SseParser.EventTooLargeException("event-stream frame longer than " + max + " bytes");
    }
    return total;
  }

  private void frame(byte[] bytes) {
    Message message;
    try {
      message = Message.decode(ByteBuffer.wrap(bytes));
    } catch (RuntimeException badFrame) {
      throw invalid("an event-stream frame failed AWS's checks (" + badFrame.getMessage() + ")");
    }
    String payload = message.getPayload().length == 0 ? "{}" : new String(message.getPayload(), StandardCharsets.UTF_8);
    String kind = header(message, ":message-type");
    if ("event".equals(kind)) {
      onEvent.onEvent("{\"" + name(header(message, ":event-type")) + "\":" + payload + "}", null);
    } else if ("exception".equals(kind)) {
      onEvent.onEvent("{\"exception\":{\"type\":\"" + name(header(message, ":exception-type")) + "\",\"payload\":" + payload + "}}", null);
    } else if ("error".equals(kind)) {
      String detail = String.valueOf(header(message, ":error-message")).replace("\\", "\\\\").replace("\"", "\\\"");
      onEvent.onEvent("{\"exception\":{\"type\":\"" + name(header(message, ":error-code")) + "\",\"payload\":{\"message\":\""
          + detail + "\"}}}", null);
    }
  }

  private static String header(Message message, String name) {
    HeaderValue value = message.getHeaders().get(name);
    return value == null ? null : value.getString();
  }

  /** Event and exception names are identifiers; anything else would not be JSON-safe. */
  private static String name(String value) {
    return value != null && value.matches("[A-Za-z0-9_.:-]{1,100}") ? value : "unknown";
  }

  private static GatewayError invalid(String why) {
    return GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider's stream is not valid AWS "
        + "event-stream: " + why + "; the stream was stopped.");
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

  /** A frame cut by the end of the stream is dropped: it has no whole event. */
  @Override
  public void end() {
    partial = null;
    rest = null;
  }
}
