package dev.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The answers {@link GeminiMock} gives, in Gemini's GenerateContentResponse shape. */
public final class GeminiWire {

  private GeminiWire() {
  }

  /** A text answer, or text and a functionCall when the request offers tools; the prompt refused for BLOCKED. */
  static JsonObject answer(JsonObject request, String model) {
    if (GeminiMock.BLOCKED.equals(model)) {
      return new JsonObject().put("promptFeedback", new JsonObject().put("blockReason", "SAFETY"))
          .put("usageMetadata", usage(7, 0, 0, 0)).put("modelVersion", model);
    }
    JsonArray parts = new JsonArray();
    if (tools(request)) {
      parts.add(new JsonObject().put("text", "Let me check."))
          .add(new JsonObject().put("functionCall", new JsonObject().put("name", toolName(request)).put("args", GeminiMock.TOOL_ARGS)));
    } else {
      parts.add(new JsonObject().put("text", "Thinking it over.").put("thought", true))
          .add(new JsonObject().put("text", "Hello from " + model));
    }
    return event(parts, "STOP", usage(12, 6, 4, 3)).put("modelVersion", model).put("responseId", "resp-1");
  }

  /** Text in two pieces, then (with tools) two calls, then the finish with the whole usage. */
  static List<JsonObject> streamEvents(JsonObject request, String model) {
    List<JsonObject> events = new ArrayList<>();
    events.add(event(new JsonArray().add(new JsonObject().put("text", "Hel")), null, usage(20, 1, 0, 0))
        .put("modelVersion", model).put("responseId", "resp-2"));
    if (GeminiMock.MID_STREAM_ERROR.equals(model)) {
      return events;
    }
    events.add(event(new JsonArray().add(new JsonObject().put("text", "lo")), null, usage(20, 2, 0, 0)));
    if (tools(request)) {
      for (int call = 0; call < 2; call++) {
        events.add(event(new JsonArray().add(new JsonObject().put("functionCall",
            new JsonObject().put("name", toolName(request)).put("args", GeminiMock.TOOL_ARGS))), null, usage(20, 5, 0, 0)));
      }
    }
    events.add(event(new JsonArray(), "STOP", usage(20, 9, 0, 0)));
    return events;
  }

  static JsonObject embeddings(JsonObject request) {
    JsonArray embeddings = new JsonArray();
    JsonArray requests = request.getJsonArray("requests");
    for (int i = 0; i < requests.size(); i++) {
      int dimensions = requests.getJsonObject(i).getInteger("outputDimensionality", 3);
      JsonArray values = new JsonArray();
      for (int d = 0; d < dimensions; d++) {
        values.add(i + d / 10.0);
      }
      embeddings.add(new JsonObject().put("values", values));
    }
    return new JsonObject().put("embeddings", embeddings);
  }

  static JsonObject event(JsonArray parts, String finishReason, JsonObject usage) {
    JsonObject candidate = new JsonObject().put("content", new JsonObject().put("parts", parts).put("role", "model"))
        .put("index", 0);
    if (finishReason != null) {
      candidate.put("finishReason", finishReason);
    }
    JsonObject event = new JsonObject().put("candidates", new JsonArray().add(candidate));
    return usage == null ? event : event.put("usageMetadata", usage);
  }

  static JsonObject usage(int prompt, int candidates, int cached, int thoughts) {
    JsonObject usage = new JsonObject().put("promptTokenCount", prompt).put("candidatesTokenCount", candidates)
        .put("totalTokenCount", prompt + candidates + thoughts);
    if (cached > 0) {
      usage.put("cachedContentTokenCount", cached);
    }
    if (thoughts > 0) {
      usage.put("thoughtsTokenCount", thoughts);
    }
    return usage;
  }

  private static boolean tools(JsonObject request) {
    return request.getValue("tools") instanceof JsonArray list && !list.isEmpty();
  }

  private static String toolName(JsonObject request) {
    return request.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations").getJsonObject(0).getString("name");
  }
}
