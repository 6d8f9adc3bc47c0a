package dev.switchboard.testing;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's Messages API as the mock provider speaks it: a text answer, or a tool_use when the
 * request offers tools; streamed with Anthropic's real event sequence.
 */
public final class AnthropicWire {

  static final JsonObject TOOL_INPUT = new JsonObject().put("city", "Paris").put("unit", "celsius");

  private AnthropicWire() {
  }

  /** The model whose stream is one tool call with {@link #HUGE_ARGUMENT_BYTES} of arguments. */
  public static final String HUGE_TOOL = "huge-tool";
  public static final int HUGE_ARGUMENT_BYTES = 50 * 1024 * 1024;
  private static final int FRAGMENT_BYTES = 8 * 1024;

  static void answer(HttpServerResponse response, JsonObject request, String model) {
    if (HUGE_TOOL.equals(model)) {
      hugeToolCall(response, model);
      return;
    }
    boolean tools = request.getValue("tools") instanceof JsonArray list && !list.isEmpty();
    if (MockProvider.MID_STREAM_ERROR.equals(model)) {
      failMidStream(response, model);
      return;
    }
    if (Boolean.TRUE.equals(request.getValue("stream"))) {
      stream(response, model, tools);
      return;
    }
    JsonArray content = new JsonArray();
    if (tools) {
      content.add(new JsonObject().put("type", "text").put("text", "Let me check."))
          .add(new JsonObject().put("type", "tool_use").put("id", "toolu_01").put("name", toolName(request))
              .put("input", TOOL_INPUT));
    } else {
      content.add(new JsonObject().put("type", "text").put("text", "Hello from " + model));
    }
    response.putHeader("content-type", "application/json").end(new JsonObject()
        .put("id", "msg_01").put("type", "message").put("role", "assistant").put("model", model)
        .put("content", content).put("stop_reason", tools ? "tool_use" : "end_turn")
        .put("usage", new JsonObject().put("input_tokens", 12).put("output_tokens", 6)
            .put("cache_read_input_tokens", 4).put("cache_creation_input_tokens", 0))
        .encode());
  }

  /** The fields Anthropic's count_tokens accepts; any other is refused, as Anthropic does. */
  private static final java.util.Set<String> COUNT_FIELDS = java.util.Set.of("model", "messages", "system", "tools",
      "tool_choice", "thinking", "mcp_servers");

  /**
   * {@code POST /v1/messages/count_tokens}, strictly: key and version headers, only its own fields,
   * messages required. The count is {@link #countOf} so tests can know it exactly.
   */
  static void countTokens(io.vertx.core.http.HttpServerRequest request, JsonObject body) {
    HttpServerResponse response = request.response().putHeader("content-type", "application/json");
    String key = request.getHeader("x-api-key");
    String problem = key == null || key.isBlank() ? "x-api-key header is required"
        : request.getHeader("anthropic-version") == null ? "anthropic-version header is required"
        : !(body.getValue("model") instanceof String) ? "model: Field required"
        : !(body.getValue("messages") instanceof JsonArray) ? "messages: Field required"
        : body.fieldNames().stream().filter(f -> !COUNT_FIELDS.contains(f)).map(f -> f + ": Extra inputs are not permitted")
            .findFirst().orElse(null);
    if (problem != null) {
      response.setStatusCode(problem.startsWith("x-api-key") ? 401 : 400).end(new JsonObject().put("type", "error")
          .put("error", new JsonObject().put("type", "invalid_request_error").put("message", problem)).encode());
      return;
    }
    response.end(new JsonObject().put("input_tokens", countOf(body)).encode());
  }

  /** What the mock counts: 100 per message, 7 for a system prompt, 50 per tool. */
  public static int countOf(JsonObject body) {
    return 100 * body.getJsonArray("messages").size() + (body.getValue("system") != null ? 7 : 0)
        + (body.getValue("tools") instanceof JsonArray tools ? 50 * tools.size() : 0);
  }

  private static String toolName(JsonObject request) {
    return request.getJsonArray("tools").getJsonObject(0).getString("name");
  }

  private static void stream(HttpServerResponse response, String model, boolean tools) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    event(response, "message_start", new JsonObject().put("message", new JsonObject().put("id", "msg_02")
        .put("type", "message").put("role", "assistant").put("model", model).put("content", new JsonArray())
        .put("usage", new JsonObject().put("input_tokens", 20).put("output_tokens", 1))));
    event(response, "ping", new JsonObject());
    event(response, "content_block_start", new JsonObject().put("index", 0)
        .put("content_block", new JsonObject().put("type", "text").put("text", "")));
    for (String piece : new String[] {"Hel", "lo"}) {
      event(response, "content_block_delta", new JsonObject().put("index", 0)
          .put("delta", new JsonObject().put("type", "text_delta").put("text", piece)));
    }
    event(response, "content_block_stop", new JsonObject().put("index", 0));
    if (tools) {
      for (int call = 0; call < 2; call++) {
        int block = call + 1;
        event(response, "content_block_start", new JsonObject().put("index", block)
            .put("content_block", new JsonObject().put("type", "tool_use").put("id", "toolu_0" + block)
                .put("name", "get_weather").put("input", new JsonObject())));
        String arguments = TOOL_INPUT.encode();
        for (int at = 0; at < arguments.length(); at += 7) {
          event(response, "content_block_delta", new JsonObject().put("index", block).put("delta", new JsonObject()
              .put("type", "input_json_delta").put("partial_json", arguments.substring(at, Math.min(at + 7, arguments.length())))));
        }
        event(response, "content_block_stop", new JsonObject().put("index", block));
      }
    }
    event(response, "message_delta", new JsonObject()
        .put("delta", new JsonObject().put("stop_reason", tools ? "tool_use" : "end_turn"))
        .put("usage", new JsonObject().put("output_tokens", 9)));
    event(response, "message_stop", new JsonObject());
    response.end();
  }

  /** Anthropic's overloaded error in the middle of a text block, as its API sends it. */
  private static void failMidStream(HttpServerResponse response, String model) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    event(response, "message_start", new JsonObject().put("message", new JsonObject().put("id", "msg_03")
        .put("type", "message").put("role", "assistant").put("model", model).put("content", new JsonArray())
        .put("usage", new JsonObject().put("input_tokens", 20).put("output_tokens", 1))));
    event(response, "content_block_start", new JsonObject().put("index", 0)
        .put("content_block", new JsonObject().put("type", "text").put("text", "")));
    event(response, "content_block_delta", new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("type", "text_delta").put("text", "Hel")));
    event(response, "error", new JsonObject().put("error", new JsonObject().put("type", "overloaded_error")
        .put("message", "Overloaded while serving " + MockProvider.LEAKED_SECRET)));
    response.end();
  }

  /** A 50 MB tool call in 8 KB fragments, written as fast as the gateway reads and no faster. */
  private static void hugeToolCall(HttpServerResponse response, String model) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    event(response, "message_start", new JsonObject().put("message", new JsonObject().put("id", "msg_huge")
        .put("model", model).put("usage", new JsonObject().put("input_tokens", 5).put("output_tokens", 1))));
    event(response, "content_block_start", new JsonObject().put("index", 0).put("content_block",
        new JsonObject().put("type", "tool_use").put("id", "toolu_huge").put("name", "store").put("input", new JsonObject())));
    String fragment = "x".repeat(FRAGMENT_BYTES);
    writeFragments(response, fragment, HUGE_ARGUMENT_BYTES / FRAGMENT_BYTES);
  }

  private static void writeFragments(HttpServerResponse response, String fragment, int left) {
    int remaining = left;
    while (remaining > 0 && !response.closed()) {
      if (response.writeQueueFull()) {
        int resumeWith = remaining;
        response.drainHandler(v -> writeFragments(response, fragment, resumeWith));
        return;
      }
      event(response, "content_block_delta", new JsonObject().put("index", 0)
          .put("delta", new JsonObject().put("type", "input_json_delta").put("partial_json", fragment)));
      remaining--;
    }
    if (!response.closed()) {
      event(response, "content_block_stop", new JsonObject().put("index", 0));
      event(response, "message_delta", new JsonObject().put("delta", new JsonObject().put("stop_reason", "tool_use"))
          .put("usage", new JsonObject().put("output_tokens", HUGE_ARGUMENT_BYTES / 4)));
      event(response, "message_stop", new JsonObject());
      response.end();
    }
  }

  private static void event(HttpServerResponse response, String type, JsonObject data) {
    response.write("event: " + type + "\ndata: " + data.put("type", type).encode() + "\n\n");
  }
}
