package dev.switchboard.ingress;

import dev.switchboard.model.Operation;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A cached JSON answer replayed as the stream the client asked for, in its own wire format: OpenAI
 * chat chunks (a role chunk, the content, each tool call whole, the finish reason, usage when
 * {@code stream_options.include_usage}, {@code [DONE]}), text-completion chunks, or Anthropic's
 * message events. The chunks carry the cached answer's id, model and created time.
 */
final class CachedAnswers {

  private final Operation operation;
  private final JsonObject answer;
  private final Usage usage;

  CachedAnswers(Operation operation, JsonObject answer, Usage usage) {
    this.operation = operation;
    this.answer = answer;
    this.usage = usage;
  }

  /** The usage a cached answer reports (Anthropic's or OpenAI's field names). */
  static Usage usage(Operation operation, Buffer body) {
    JsonObject usage;
    try {
      usage = new JsonObject(body).getJsonObject("usage");
    } catch (RuntimeException e) {
      return Usage.NONE;
    }
    if (usage == null) {
      return Usage.NONE;
    }
    if (operation == Operation.MESSAGES) {
      long in = usage.getLong("input_tokens", 0L);
      long out = usage.getLong("output_tokens", 0L);
      return new Usage(in, out, in + out, 0);
    }
    long in = usage.getLong("prompt_tokens", usage.getLong("input_tokens", 0L));
    long out = usage.getLong("completion_tokens", usage.getLong("output_tokens", 0L));
    return new Usage(in, out, usage.getLong("total_tokens", in + out), 0);
  }

  /** Writes the stream's head and events now; the returned ending writes its last event once the spend row is in. */
  Runnable stream(HttpServerResponse response, boolean includeUsage) {
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    if (operation == Operation.MESSAGES) {
      return anthropic(response);
    }
    String object = operation == Operation.COMPLETION ? "text_completion" : "chat.completion.chunk";
    JsonArray choices = answer.getJsonArray("choices", new JsonArray());
    for (int i = 0; i < choices.size(); i++) {
      JsonObject choice = choices.getJsonObject(i);
      int index = choice.getInteger("index", i);
      if (operation == Operation.COMPLETION) {
        data(response, chunk(object, new JsonObject().put("index", index).put("text", choice.getString("text", ""))
            .putNull("finish_reason")));
      } else {
        JsonObject message = choice.getJsonObject("message", new JsonObject());
        data(response, chunk(object, delta(index, new JsonObject().put("role", message.getString("role", "assistant"))
            .put("content", ""), null)));
        if (message.getString("content") != null && !message.getString("content").isEmpty()) {
          data(response, chunk(object, delta(index, new JsonObject().put("content", message.getString("content")), null)));
        }
        JsonArray calls = message.getJsonArray("tool_calls");
        for (int c = 0; calls != null && c < calls.size(); c++) {
          JsonObject call = calls.getJsonObject(c).copy().put("index", c);
          data(response, chunk(object, delta(index, new JsonObject().put("tool_calls", new JsonArray().add(call)), null)));
        }
      }
      String finish = choice.getString("finish_reason", "stop");
      data(response, chunk(object, operation == Operation.COMPLETION
          ? new JsonObject().put("index", index).put("text", "").put("finish_reason", finish)
          : delta(index, new JsonObject(), finish)));
    }
    if (includeUsage) {
      data(response, chunk(object, null).put("choices", new JsonArray()).put("usage", openAiUsage()));
    }
    return () -> {
      if (!response.closed()) {
        response.end("data: [DONE]\n\n");
      }
    };
  }

  private Runnable anthropic(HttpServerResponse response) {
    JsonObject start = answer.copy().put("content", new JsonArray()).putNull("stop_reason").putNull("stop_sequence")
        .put("usage", new JsonObject().put("input_tokens", usage.promptTokens()).put("output_tokens", 0));
    event(response, "message_start", new JsonObject().put("message", start));
    JsonArray blocks = answer.getJsonArray("content", new JsonArray());
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = blocks.getJsonObject(i);
      boolean tool = "tool_use".equals(block.getString("type"));
      JsonObject empty = tool ? block.copy().put("input", new JsonObject()) : block.copy().put("text", "");
      event(response, "content_block_start", new JsonObject().put("index", i).put("content_block", empty));
      JsonObject delta = tool
          ? new JsonObject().put("type", "input_json_delta").put("partial_json", block.getJsonObject("input", new JsonObject()).encode())
          : new JsonObject().put("type", "text_delta").put("text", block.getString("text", ""));
      event(response, "content_block_delta", new JsonObject().put("index", i).put("delta", delta));
      event(response, "content_block_stop", new JsonObject().put("index", i));
    }
    event(response, "message_delta", new JsonObject().put("delta", new JsonObject()
        .put("stop_reason", answer.getString("stop_reason", "end_turn")).put("stop_sequence", answer.getValue("stop_sequence")))
        .put("usage", new JsonObject().put("output_tokens", usage.completionTokens())));
    return () -> {
      if (!response.closed()) {
        event(response, "message_stop", new JsonObject());
        response.end();
      }
    };
  }

  private JsonObject chunk(String object, JsonObject choice) {
    JsonObject chunk = new JsonObject().put("id", answer.getString("id", "chatcmpl-cached")).put("object", object)
        .put("created", answer.getValue("created", System.currentTimeMillis() / 1000)).put("model", answer.getString("model"));
    if (answer.getValue("system_fingerprint") != null) {
      chunk.put("system_fingerprint", answer.getValue("system_fingerprint"));
    }
    return choice == null ? chunk : chunk.put("choices", new JsonArray().add(choice));
  }

  private static JsonObject delta(int index, JsonObject delta, String finishReason) {
    return new JsonObject().put("index", index).put("delta", delta).put("finish_reason", finishReason);
  }

  private JsonObject openAiUsage() {
    JsonObject cached = answer.getJsonObject("usage");
    return cached != null ? cached : new JsonObject().put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
  }

  private static void data(HttpServerResponse response, JsonObject event) {
    response.write("data: " + event.encode() + "\n\n");
  }

  private static void event(HttpServerResponse response, String type, JsonObject data) {
    response.write("event: " + type + "\ndata: " + data.put("type", type).encode() + "\n\n");
  }
}
