package dev.switchboard.testing;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's Responses API as the mock provider speaks it: a text answer, or a function call when the
 * request offers tools; streamed with the API's real event sequence (named events, sequence numbers,
 * usage in response.completed).
 */
public final class ResponsesWire {

  /** The arguments of the function call answered when tools are offered, streamed in three fragments. */
  public static final String ARGUMENTS = "{\"city\":\"Paris\"}";
  /** The usage every answer reports. */
  public static final JsonObject USAGE = new JsonObject().put("input_tokens", 11)
      .put("input_tokens_details", new JsonObject().put("cached_tokens", 3)).put("output_tokens", 7)
      .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 2)).put("total_tokens", 18);

  private ResponsesWire() {
  }

  static void answer(HttpServerResponse response, JsonObject request, String model) {
    boolean tools = request.getValue("tools") instanceof JsonArray list && !list.isEmpty();
    if (MockProvider.MID_STREAM_ERROR.equals(model)) {
      failMidStream(response, model);
      return;
    }
    if (Boolean.TRUE.equals(request.getValue("stream"))) {
      stream(response, model, tools);
      return;
    }
    JsonObject done = frame(model, "completed").put("output", new JsonArray().add(tools ? call("completed", ARGUMENTS)
        : message("completed", "Hello from " + model))).put("usage", USAGE);
    response.putHeader("content-type", "application/json").end(done.encode());
  }

  private static JsonObject frame(String model, String status) {
    return new JsonObject().put("id", "resp_mock").put("object", "response").put("created_at", 1_700_000_000L)
        .put("status", status).putNull("error").putNull("incomplete_details").putNull("instructions")
        .put("model", model).put("output", new JsonArray()).put("parallel_tool_calls", true)
        .put("tool_choice", "auto").put("tools", new JsonArray()).putNull("temperature").putNull("top_p")
        .put("metadata", new JsonObject()).putNull("usage");
  }

  private static JsonObject message(String status, String text) {
    return new JsonObject().put("id", "msg_mock").put("type", "message").put("status", status).put("role", "assistant")
        .put("content", new JsonArray().add(part(text)));
  }

  private static JsonObject part(String text) {
    return new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray());
  }

  private static JsonObject call(String status, String arguments) {
    return new JsonObject().put("id", "fc_mock").put("type", "function_call").put("status", status)
        .put("call_id", "call_mock").put("name", "get_weather").put("arguments", arguments);
  }

  private static void stream(HttpServerResponse response, String model, boolean tools) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    int[] sequence = {0};
    event(response, sequence, "response.created", new JsonObject().put("response", frame(model, "in_progress")));
    event(response, sequence, "response.in_progress", new JsonObject().put("response", frame(model, "in_progress")));
    JsonObject item;
    if (tools) {
      event(response, sequence, "response.output_item.added", new JsonObject().put("output_index", 0)
          .put("item", call("in_progress", "")));
      for (String fragment : new String[] {"{\"city\"", ":\"Par", "is\"}"}) {
        event(response, sequence, "response.function_call_arguments.delta", new JsonObject().put("item_id", "fc_mock")
            .put("output_index", 0).put("delta", fragment));
      }
      event(response, sequence, "response.function_call_arguments.done", new JsonObject().put("item_id", "fc_mock")
          .put("output_index", 0).put("arguments", ARGUMENTS));
      item = call("completed", ARGUMENTS);
    } else {
      String text = "Hello from " + model;
      event(response, sequence, "response.output_item.added", new JsonObject().put("output_index", 0)
          .put("item", message("in_progress", "").put("content", new JsonArray())));
      event(response, sequence, "response.content_part.added", new JsonObject().put("item_id", "msg_mock")
          .put("output_index", 0).put("content_index", 0).put("part", part("")));
      for (String piece : new String[] {"Hello ", "from ", model}) {
        event(response, sequence, "response.output_text.delta", new JsonObject().put("item_id", "msg_mock")
            .put("output_index", 0).put("content_index", 0).put("delta", piece).put("logprobs", new JsonArray()));
      }
      event(response, sequence, "response.output_text.done", new JsonObject().put("item_id", "msg_mock")
          .put("output_index", 0).put("content_index", 0).put("text", text).put("logprobs", new JsonArray()));
      event(response, sequence, "response.content_part.done", new JsonObject().put("item_id", "msg_mock")
          .put("output_index", 0).put("content_index", 0).put("part", part(text)));
      item = message("completed", text);
    }
    event(response, sequence, "response.output_item.done", new JsonObject().put("output_index", 0).put("item", item));
    event(response, sequence, "response.completed", new JsonObject().put("response",
        frame(model, "completed").put("output", new JsonArray().add(item)).put("usage", USAGE)));
    response.end();
  }

  /** A text delta, then the API's error event naming a secret. */
  private static void failMidStream(HttpServerResponse response, String model) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    int[] sequence = {0};
    event(response, sequence, "response.created", new JsonObject().put("response", frame(model, "in_progress")));
    event(response, sequence, "response.output_text.delta", new JsonObject().put("item_id", "msg_mock")
        .put("output_index", 0).put("content_index", 0).put("delta", "Hel"));
    event(response, sequence, "error", new JsonObject().put("code", "server_error")
        .put("message", "The server failed with " + MockProvider.LEAKED_SECRET).putNull("param"));
    response.end();
  }

  private static void event(HttpServerResponse response, int[] sequence, String type, JsonObject data) {
    JsonObject event = new JsonObject().put("type", type).put("sequence_number", sequence[0]++);
    data.forEach(field -> event.put(field.getKey(), field.getValue()));
    response.write("event: " + type + "\ndata: " + event.encode() + "\n\n");
  }
}
