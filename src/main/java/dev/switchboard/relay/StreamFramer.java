package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.spend.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * Frames what a stream's translator emits as SSE for the client ({@code data: ...\n\n}), and makes
 * sure the stream ends with exactly one {@code [DONE]}. Pure and per stream.
 */
public final class StreamFramer {

  private static final String DONE = "[DONE]";
  private static final Buffer DATA = Buffer.buffer("data: ");
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");

  private final StreamTranslator translator;
  private Buffer pending;
  private boolean sawDone;

  public StreamFramer(StreamTranslator translator) {
    this.translator = translator;
  }

  /** The bytes to send for one upstream event's data, or null to send nothing. */
  public Buffer frame(String data) {
    if (sawDone) {
      return null;
    }
    pending = null;
    translator.onEvent(data, this::emit);
    return pending;
  }

  private void emit(String chunk) {
    if (sawDone) {
      return;
    }
    sawDone = DONE.equals(chunk);
    if (pending == null) {
      pending = Buffer.buffer(chunk.length() + 8);
    }
    pending.appendBuffer(DATA).appendString(chunk).appendBuffer(EVENT_END);
  }

  /** The closing {@code [DONE]} when the provider did not send one, else null. */
  public Buffer end() {
    if (sawDone) {
      return null;
    }
    pending = null;
    emit(DONE);
    return pending;
  }

  /** The event that tells a client mid-stream that the stream failed (no [DONE] follows). */
  public static Buffer errorEvent(GatewayError error) {
    return Buffer.buffer().appendBuffer(DATA).appendString(error.toJson().encode()).appendBuffer(EVENT_END);
  }

  public Usage usage() {
    return translator.usage();
  }

  public long streamedChars() {
    return translator.streamedChars();
  }
}
