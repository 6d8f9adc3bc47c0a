package dev.switchboard.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Bedrock Converse answers and ConverseStream events as the mock sends them, framed with AWS's
 * own event-stream encoder. A request that offers tools and ends with a user's text gets a
 * get_weather call (streamed as two argument pieces); any other gets text.
 */
public final class BedrockWire {

  public static final JsonObject TOOL_INPUT = new JsonObject().put("city", "Paris").put("unit", "celsius");

  private BedrockWire() {
  }

  /** inputTokens 10, cache reads 4, cache writes 2, outputTokens 6: OpenAI's 16 prompt tokens (4 cached). */
  public static JsonObject usage() {
    return new JsonObject().put("inputTokens", 10).put("outputTokens", 6).put("totalTokens", 22)
        .put("cacheReadInputTokens", 4).put("cacheWriteInputTokens", 2);
  }

  static boolean wantsTool(JsonObject request) {
    if (!(request.getValue("toolConfig") instanceof JsonObject)) {
      return false;
    }
    JsonArray messages = request.getJsonArray("messages");
    JsonArray last = messages.getJsonObject(messages.size() - 1).getJsonArray("content");
    return last.getJsonObject(last.size() - 1).containsKey("text");
  }

  static JsonObject answer(JsonObject request, String model) {
    JsonArray content = new JsonArray();
    String stopReason = "end_turn";
    if (wantsTool(request)) {
      content.add(new JsonObject().put("text", "Let me check."));
      content.add(new JsonObject().put("toolUse", new JsonObject().put("toolUseId", "tooluse_1").put("name", "get_weather")
          .put("input", TOOL_INPUT)));
      stopReason = "tool_use";
    } else {
      content.add(new JsonObject().put("text", "Hello from " + model));
    }
    return new JsonObject()
        .put("output", new JsonObject().put("message", new JsonObject().put("role", "assistant").put("content", content)))
        .put("stopReason", stopReason)
        .put("usage", usage())
        .put("metrics", new JsonObject().put("latencyMs", 42));
  }

  /** The stream's frames; {@code last} false leaves out messageStop and metadata (for a stream that fails first). */
  static List<Buffer> streamFrames(JsonObject request, boolean last) {
    List<Buffer> frames = new ArrayList<>();
    frames.add(event("messageStart", new JsonObject().put("role", "assistant")));
    frames.add(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
        .put("delta", new JsonObject().put("text", "Hel"))));
    frames.add(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
        .put("delta", new JsonObject().put("text", "lo"))));
    frames.add(event("contentBlockStop", new JsonObject().put("contentBlockIndex", 0)));
    boolean tool = wantsTool(request);
    if (tool) {
      frames.add(event("contentBlockStart", new JsonObject().put("contentBlockIndex", 1).put("start", new JsonObject()
          .put("toolUse", new JsonObject().put("toolUseId", "tooluse_1").put("name", "get_weather")))));
      frames.add(toolDelta(1, "{\"city\":\"Paris\","));
      frames.add(toolDelta(1, "\"unit\":\"celsius\"}"));
      frames.add(event("contentBlockStop", new JsonObject().put("contentBlockIndex", 1)));
    }
    if (last) {
      frames.add(event("messageStop", new JsonObject().put("stopReason", tool ? "tool_use" : "end_turn")));
      frames.add(event("metadata", new JsonObject().put("usage", usage()).put("metrics", new JsonObject().put("latencyMs", 42))));
    }
    return frames;
  }

  static Buffer toolDelta(int block, String input) {
    return event("contentBlockDelta", new JsonObject().put("contentBlockIndex", block)
        .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", input))));
  }

  /** An event frame; Bedrock pads its payloads with a "p" field, which clients ignore. */
  public static Buffer event(String type, JsonObject payload) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":event-type", HeaderValue.fromString(type));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    headers.put(":message-type", HeaderValue.fromString("event"));
    return frame(headers, payload.copy().put("p", "abcdefgh").encode());
  }

  public static Buffer exception(String type, String message) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":exception-type", HeaderValue.fromString(type));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    headers.put(":message-type", HeaderValue.fromString("exception"));
    return frame(headers, new JsonObject().put("message", message).encode());
  }

  private static Buffer frame(Map<String, HeaderValue> headers, String payload) {
    ByteBuffer bytes = new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return Buffer.buffer(out);
  }
}
