package dev.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The answers {@link OllamaMock} gives, in Ollama's /api/chat, /api/generate and /api/embed shapes. */
public final class OllamaWire {

  static final JsonObject TOOL_ARGS = new JsonObject().put("city", "Paris").put("unit", "celsius");

  private OllamaWire() {
  }

  /** A text answer, or a tool call when the request offers tools (chat only). */
  static JsonObject answer(JsonObject request, String model, boolean chat) {
    String reason = OllamaMock.SHORT.equals(model) ? "length" : "stop";
    if (!chat) {
      return done(generateLine(model, "Hello from " + model).put("context", new JsonArray().add(1).add(2)), reason, 12, 6);
    }
    JsonObject message = new JsonObject().put("role", "assistant");
    if (tools(request)) {
      message.put("content", "").put("tool_calls", new JsonArray().add(call(toolName(request))));
    } else {
      message.put("content", "Hello from " + model).put("thinking", "Thinking it over.");
    }
    return done(chatLine(model, message), reason, 12, 6);
  }

  /** Text in two pieces, then (with tools) two calls, each on its own line, then the done line with the usage. */
  static List<JsonObject> streamLines(JsonObject request, String model, boolean chat) {
    List<JsonObject> lines = new ArrayList<>();
    for (String piece : List.of("Hel", "lo")) {
      lines.add(chat ? chatLine(model, assistant(piece)) : generateLine(model, piece));
    }
    if (chat && tools(request)) {
      for (int i = 0; i < 2; i++) {
        lines.add(chatLine(model, assistant("").put("tool_calls", new JsonArray().add(call(toolName(request))))));
      }
    }
    JsonObject last = chat ? chatLine(model, assistant("")) : generateLine(model, "");
    lines.add(done(last, OllamaMock.SHORT.equals(model) ? "length" : "stop", 20, 9));
    return lines;
  }

  static JsonObject embeddings(JsonObject request) {
    JsonArray vectors = new JsonArray();
    JsonArray input = request.getValue("input") instanceof JsonArray list ? list : new JsonArray().add(request.getValue("input"));
    int dimensions = request.getInteger("dimensions", 3);
    for (int i = 0; i < input.size(); i++) {
      JsonArray vector = new JsonArray();
      for (int d = 0; d < dimensions; d++) {
        vector.add(i + d / 10.0);
      }
      vectors.add(vector);
    }
    return new JsonObject().put("model", request.getString("model")).put("embeddings", vectors)
        .put("total_duration", 14143917).put("load_duration", 1019500).put("prompt_eval_count", 8);
  }

  static JsonObject chatLine(String model, JsonObject message) {
    return new JsonObject().put("model", model).put("created_at", "2026-12-05T15:00:00.000000Z").put("message", message)
        .put("done", false);
  }

  static JsonObject generateLine(String model, String response) {
    return new JsonObject().put("model", model).put("created_at", "2026-12-05T15:00:00.000000Z").put("response", response)
        .put("done", false);
  }

  static JsonObject done(JsonObject line, String reason, int prompt, int eval) {
    return line.put("done", true).put("done_reason", reason).put("total_duration", 5043500667L)
        .put("load_duration", 5025959L).put("prompt_eval_count", prompt).put("prompt_eval_duration", 325953000L)
        .put("eval_count", eval).put("eval_duration", 4709213000L);
  }

  private static JsonObject assistant(String content) {
    return new JsonObject().put("role", "assistant").put("content", content);
  }

  private static JsonObject call(String name) {
    return new JsonObject().put("function", new JsonObject().put("name", name).put("arguments", TOOL_ARGS.copy()));
  }

  private static boolean tools(JsonObject request) {
    return request.getValue("tools") instanceof JsonArray list && !list.isEmpty();
  }

  private static String toolName(JsonObject request) {
    return request.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name");
  }
}
