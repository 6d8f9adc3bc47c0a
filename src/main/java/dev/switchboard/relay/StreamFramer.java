package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.spend.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the client receives for each event of an OpenAI-format stream: the event re-framed as
 * {@code data: ...\n\n}, the usage-only chunk held back when only the gateway asked for it, and
 * the usage the provider reported. Pure and per stream, so it is cheap to test and measure.
 */
public final class StreamFramer {

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final Buffer DATA = Buffer.buffer("data: ");
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");

  private final boolean dropUsageChunks;
  private Usage usage = Usage.NONE;
  private boolean sawDone;

  /**
   * @param dropUsageChunks the gateway asked for usage the client did not: keep it for spend, do
   *                        not forward the usage-only chunk
   */
  public StreamFramer(boolean dropUsageChunks) {
    this.dropUsageChunks = dropUsageChunks;
  }

  /** The bytes to send for one event's data, or null to send nothing. */
  public Buffer frame(String data) {
    if (sawDone) {
      return null;
    }
    if ("[DONE]".equals(data)) {
      sawDone = true;
      return DONE.copy();
    }
    // Only a chunk that carries a usage object is parsed; the rest (with OpenAI's "usage":null on
    // every chunk once include_usage is set) pass through as they came.
    if (carriesUsageObject(data)) {
      JsonObject chunk = parse(data);
      if (chunk != null && chunk.getValue("usage") instanceof JsonObject reported) {
        usage = Usage.fromOpenAi(reported);
        if (dropUsageChunks && chunk.getValue("choices") instanceof JsonArray choices && choices.isEmpty()) {
          return null;
        }
      }
    }
    return Buffer.buffer(data.length() + 8).appendBuffer(DATA).appendString(data).appendBuffer(EVENT_END);
  }

  /** The closing {@code [DONE]} when the provider did not send one, else null. */
  public Buffer end() {
    if (sawDone) {
      return null;
    }
    sawDone = true;
    return DONE.copy();
  }

  /** The event that tells a client mid-stream that the stream failed (no [DONE] follows). */
  public static Buffer errorEvent(GatewayError error) {
    return Buffer.buffer().appendBuffer(DATA).appendString(error.toJson().encode()).appendBuffer(EVENT_END);
  }

  public Usage usage() {
    return usage;
  }

  static boolean carriesUsageObject(String data) {
    int at = data.indexOf("\"usage\"");
    while (at >= 0) {
      int i = at + "\"usage\"".length();
      while (i < data.length() && Character.isWhitespace(data.charAt(i))) {
        i++;
      }
      if (i < data.length() && data.charAt(i) == ':') {
        i++;
        while (i < data.length() && Character.isWhitespace(data.charAt(i))) {
          i++;
        }
        if (i < data.length() && data.charAt(i) == '{') {
          return true;
        }
      }
      at = data.indexOf("\"usage\"", at + 1);
    }
    return false;
  }

  private static JsonObject parse(String data) {
    try {
      return new JsonObject(data);
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
