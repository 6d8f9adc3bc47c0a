package dev.switchboard.provider;

import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Responses API objects: a chat completion told as a response, and usage both ways. */
final class ResponsesAnswers {

  private ResponsesAnswers() {
  }

  /** Responses ids look like OpenAI's: a prefix and 32 hex digits. */
  static String id(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  /** {@code usage{input_tokens, output_tokens, input_tokens_details.cached_tokens}}; missing fields count as zero. */
  static Usage usage(JsonObject usage) {
    if (usage == null) {
      return Usage.NONE;
    }
    long input = count(usage, "input_tokens");
    long output = count(usage, "output_tokens");
    long total = usage.getValue("total_tokens") instanceof Number n ? n.longValue() : input + output;
    long cached = usage.getValue("input_tokens_details") instanceof JsonObject details ? count(details, "cached_tokens") : 0;
    return new Usage(input, output, total, cached);
  }

  static JsonObject responsesUsage(Usage usage, long reasoningTokens) {
    return new JsonObject()
        .put("input_tokens", usage.promptTokens())
        // The gateway's usage does not tell cache writes apart: 0, as OpenAI's spec requires the field.
        .put("input_tokens_details", new JsonObject().put("cached_tokens", usage.cachedTokens())
            .put("cache_write_tokens", 0))
        .put("output_tokens", usage.completionTokens())
        .put("output_tokens_details", new JsonObject().put("reasoning_tokens", reasoningTokens))
        .put("total_tokens", usage.totalTokens());
  }

  /**
   * What a translated response echoes from its request: {@code store} as asked (OpenAI's default is
   * true) and the {@code previous_response_id} it names (a chain the gateway keeps is expanded before it gets
   * here, so its stored copy records that one).
   */
  static JsonObject echoed(JsonObject request) {
    JsonObject echoed = new JsonObject().put("store", !Boolean.FALSE.equals(request.getValue("store")));
    if (request.getValue("previous_response_id") instanceof String previous) {
      echoed.put("previous_response_id", previous);
    }
    return echoed;
  }

  /** A response's frame: what every response object carries, with its status and output to come. */
  static JsonObject response(String id, long createdAt, String model, String status) {
    return new JsonObject()
        .put("id", id)
        .put("object", "response")
        .put("created_at", createdAt)
        .put("status", status)
        .putNull("error")
        .putNull("incomplete_details")
        .putNull("instructions")
        .putNull("max_output_tokens")
        .put("model", model)
        .put("output", new JsonArray())
        .put("parallel_tool_calls", true)
        .putNull("previous_response_id")
        .put("reasoning", new JsonObject().putNull("effort").putNull("summary"))
        .put("store", false)
        .putNull("temperature")
        .put("text", new JsonObject().put("format", new JsonObject().put("type", "text")))
        .put("tool_choice", "auto")
        .put("tools", new JsonArray())
        .putNull("top_p")
        .put("truncation", "disabled")
        .putNull("usage")
        .put("metadata", new JsonObject());
  }

  /** Sets the status from chat's finish reason: cut short by the token limit or a filter is "incomplete". */
  static void finish(JsonObject response, String finishReason) {
    if ("length".equals(finishReason)) {
      response.put("status", "incomplete").put("incomplete_details", new JsonObject().put("reason", "max_output_tokens"));
    } else if ("content_filter".equals(finishReason)) {
      response.put("status", "incomplete").put("incomplete_details", new JsonObject().put("reason", "content_filter"));
    } else {
      response.put("status", "completed");
    }
  }

  static JsonObject messageItem(String id, String status, JsonArray content) {
    return new JsonObject().put("id", id).put("type", "message").put("status", status).put("role", "assistant")
        .put("content", content);
  }

  static JsonObject textPart(String text) {
    return new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray())
        .put("logprobs", new JsonArray());
  }

  static JsonObject functionCallItem(String id, String status, String callId, String name, String arguments) {
    return new JsonObject().put("id", id).put("type", "function_call").put("status", status).put("call_id", callId)
        .put("name", name).put("arguments", arguments);
  }

  /** A chat completion (OpenAI's shape, as every chat adapter answers) as a Responses object. */
  static JsonObject fromChat(JsonObject completion, Usage usage, String model) {
    JsonObject response = response(id("resp_"), completion.getValue("created") instanceof Number n ? n.longValue()
        : System.currentTimeMillis() / 1000, model, "completed");
    JsonArray output = response.getJsonArray("output");
    JsonArray choices = completion.getValue("choices") instanceof JsonArray list ? list : new JsonArray();
    JsonObject choice = choices.isEmpty() ? new JsonObject() : choices.getJsonObject(0);
    JsonObject message = choice.getValue("message") instanceof JsonObject m ? m : new JsonObject();
    String text = ContentText.of(message.getValue("content"));
    if (!text.isEmpty()) {
      output.add(messageItem(id("msg_"), "completed", new JsonArray().add(textPart(text))));
    }
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        output.add(functionCallItem(id("fc_"), "completed", call.getString("id"), function.getString("name"),
            function.getString("arguments", "{}")));
      }
    }
    finish(response, choice.getString("finish_reason"));
    return response.put("usage", responsesUsage(usage, reasoningTokens(completion.getJsonObject("usage"))));
  }

  static long reasoningTokens(JsonObject chatUsage) {
    return chatUsage != null && chatUsage.getValue("completion_tokens_details") instanceof JsonObject details
        ? count(details, "reasoning_tokens") : 0;
  }

  private static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
