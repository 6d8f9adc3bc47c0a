package dev.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The answers {@link CohereMock} gives, in Cohere's v2 shapes. */
public final class CohereWire {

  static final String ARGUMENTS_HEAD = "{\"city\":";
  static final String ARGUMENTS_TAIL = "\"Paris\",\"unit\":\"celsius\"}";

  private CohereWire() {
  }

  /** A text answer, or a tool plan and one call (TOOL_CALL) when the request offers tools. */
  static JsonObject answer(JsonObject request, String model) {
    JsonObject message = new JsonObject().put("role", "assistant");
    String finish = "COMPLETE";
    if (tools(request)) {
      message.put("tool_plan", "I will look up the weather.")
          .put("tool_calls", new JsonArray().add(call("get_weather_1", toolName(request), ARGUMENTS_HEAD + ARGUMENTS_TAIL)));
      finish = "TOOL_CALL";
    } else {
      message.put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "Hello from " + model)));
    }
    return new JsonObject().put("id", "c0ffee-1").put("message", message).put("finish_reason", finish)
        .put("usage", usage(12, 6));
  }

  /** message-start, text in two deltas, (with tools) a plan and two calls with streamed arguments, message-end. */
  static List<JsonObject> streamEvents(JsonObject request, String model) {
    List<JsonObject> events = new ArrayList<>();
    events.add(new JsonObject().put("type", "message-start").put("id", "c0ffee-2").put("delta", message(new JsonObject()
        .put("role", "assistant").put("content", new JsonArray()).put("tool_plan", "").put("tool_calls", new JsonArray())
        .put("citations", new JsonArray()))));
    events.add(indexed("content-start", 0, message(new JsonObject().put("content",
        new JsonObject().put("type", "text").put("text", "")))));
    events.add(indexed("content-delta", 0, message(new JsonObject().put("content", new JsonObject().put("text", "Hel")))));
    if (CohereMock.MID_STREAM_ERROR.equals(model)) {
      events.add(new JsonObject().put("type", "message-end").put("delta", new JsonObject().put("finish_reason", "ERROR")
          .put("error", "internal server error, this has been reported to our developers")));
      return events;
    }
    if (CohereMock.CUT_SHORT.equals(model)) {
      return events;
    }
    events.add(indexed("content-delta", 0, message(new JsonObject().put("content", new JsonObject().put("text", "lo")))));
    events.add(new JsonObject().put("type", "content-end").put("index", 0));
    if (tools(request)) {
      events.add(new JsonObject().put("type", "tool-plan-delta").put("delta", message(new JsonObject().put("tool_plan", " Checking."))));
      for (int i = 0; i < 2; i++) {
        events.add(indexed("tool-call-start", i, message(new JsonObject()
            .put("tool_calls", call("get_weather_" + i, toolName(request), "")))));
        for (String piece : List.of(ARGUMENTS_HEAD, ARGUMENTS_TAIL)) {
          events.add(argumentsDelta(i, piece));
        }
        events.add(new JsonObject().put("type", "tool-call-end").put("index", i));
      }
    }
    events.add(end(tools(request) ? "TOOL_CALL" : "COMPLETE", usage(20, 9)));
    return events;
  }

  static JsonObject argumentsDelta(int index, String piece) {
    return indexed("tool-call-delta", index, message(new JsonObject().put("tool_calls",
        new JsonObject().put("function", new JsonObject().put("arguments", piece)))));
  }

  static JsonObject end(String finishReason, JsonObject usage) {
    return new JsonObject().put("type", "message-end").put("delta", new JsonObject().put("finish_reason", finishReason)
        .put("usage", usage));
  }

  static JsonObject call(String id, String name, String arguments) {
    return new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments));
  }

  /** One vector of 3 floats per text (or output_dimension), billed one token per word. */
  static JsonObject embeddings(JsonObject request) {
    JsonArray vectors = new JsonArray();
    JsonArray texts = request.getJsonArray("texts");
    long tokens = 0;
    for (int i = 0; i < texts.size(); i++) {
      JsonArray values = new JsonArray();
      for (int d = 0; d < request.getInteger("output_dimension", 3); d++) {
        values.add(i + d / 10.0);
      }
      vectors.add(values);
      tokens += texts.getString(i).split(" ").length;
    }
    return new JsonObject().put("id", "emb-1").put("embeddings", new JsonObject().put("float", vectors))
        .put("texts", texts).put("meta", new JsonObject().put("api_version", new JsonObject().put("version", "2"))
            .put("billed_units", new JsonObject().put("input_tokens", tokens)));
  }

  /** Documents ranked by length, longest first. */
  static JsonObject rerank(JsonObject request) {
    JsonArray documents = request.getJsonArray("documents");
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> documents.getString(b).length() - documents.getString(a).length());
    JsonArray results = new JsonArray();
    for (int rank = 0; rank < Math.min(order.size(), request.getInteger("top_n", order.size())); rank++) {
      results.add(new JsonObject().put("index", order.get(rank)).put("relevance_score", 1.0 / (rank + 1)));
    }
    return new JsonObject().put("id", "rr-1").put("results", results)
        .put("meta", new JsonObject().put("billed_units", new JsonObject().put("search_units", 1)));
  }

  static JsonObject usage(int input, int output) {
    // Cohere counts its prompt template in tokens, and bills only what was sent.
    return new JsonObject().put("billed_units", new JsonObject().put("input_tokens", input).put("output_tokens", output))
        .put("tokens", new JsonObject().put("input_tokens", input + 190).put("output_tokens", output));
  }

  private static JsonObject indexed(String type, int index, JsonObject delta) {
    return new JsonObject().put("type", type).put("index", index).put("delta", delta);
  }

  private static JsonObject message(JsonObject message) {
    return new JsonObject().put("message", message);
  }

  private static boolean tools(JsonObject request) {
    return request.getValue("tools") instanceof JsonArray list && !list.isEmpty();
  }

  private static String toolName(JsonObject request) {
    return request.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name");
  }
}
