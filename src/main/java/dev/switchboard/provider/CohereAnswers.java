package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Cohere's v2 chat answer as an OpenAI chat completion: its text, tool calls, finish reason and usage. */
final class CohereAnswers {

  private CohereAnswers() {
  }

  static JsonObject completion(Deployment deployment, JsonObject response) {
    JsonObject message = response.getValue("message") instanceof JsonObject given ? given : new JsonObject();
    StringBuilder text = new StringBuilder();
    if (message.getValue("content") instanceof JsonArray parts) {
      for (Object item : parts) {
        if (item instanceof JsonObject part && part.getValue("text") instanceof String piece) {
          text.append(piece);
        }
      }
    }
    JsonArray toolCalls = new JsonArray();
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (Object item : calls) {
        if (item instanceof JsonObject call) {
          toolCalls.add(toolCall(call));
        }
      }
    }
    // Cohere says what it is about to do before its calls (tool_plan): the text OpenAI clients show there.
    if (text.isEmpty() && message.getValue("tool_plan") instanceof String plan) {
      text.append(plan);
    }
    JsonObject assistant = new JsonObject().put("role", "assistant")
        .put("content", text.isEmpty() && !toolCalls.isEmpty() ? null : text.toString());
    if (!toolCalls.isEmpty()) {
      assistant.put("tool_calls", toolCalls);
    }
    Usage usage = usage(response.getValue("usage") instanceof JsonObject given ? given : null);
    return ChatShapes.completion(response.getValue("id") instanceof String id ? id : "chatcmpl-" + UUID.randomUUID(),
        System.currentTimeMillis() / 1000, deployment.upstreamModel(), assistant,
        finishReason(deployment, response.getString("finish_reason"), !toolCalls.isEmpty(), null), openAiUsage(usage));
  }

  static JsonObject toolCall(JsonObject call) {
    JsonObject function = call.getValue("function") instanceof JsonObject given ? given : new JsonObject();
    String id = call.getValue("id") instanceof String given && !given.isEmpty() ? given : "call_" + UUID.randomUUID();
    Object arguments = function.getValue("arguments");
    return new JsonObject().put("id", id).put("type", "function").put("function", new JsonObject()
        .put("name", function.getString("name"))
        .put("arguments", arguments instanceof String s ? s : arguments instanceof JsonObject o ? o.encode() : "{}"));
  }

  /**
   * COMPLETE and STOP_SEQUENCE → stop (tool_calls when the answer made calls), MAX_TOKENS → length,
   * TOOL_CALL → tool_calls. ERROR and TIMEOUT mean the generation failed: an error, not an answer.
   *
   * @param error Cohere's own words on a failed generation, if it gave any
   */
  static String finishReason(Deployment deployment, String reason, boolean hasToolCalls, String error) {
    if (reason == null) {
      return hasToolCalls ? "tool_calls" : "stop";
    }
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "TOOL_CALL" -> "tool_calls";
      case "ERROR", "ERROR_TOXIC", "ERROR_LIMIT", "TIMEOUT" -> throw GatewayError.of(ErrorClass.API_CONNECTION,
          "upstream_generation_error", "The provider failed while generating for " + deployment.describe()
          + " (finish_reason " + reason + (error == null ? "" : ": " + error) + "). Retry, or try another model.");
      default -> hasToolCalls ? "tool_calls" : "stop";
    };
  }

  /**
   * What Cohere bills ({@code billed_units}), as spend must match the invoice; the raw
   * {@code tokens} count (prompt template included) only where no billed units are given.
   */
  static Usage usage(JsonObject usage) {
    if (usage == null) {
      return Usage.NONE;
    }
    JsonObject counts = usage.getValue("billed_units") instanceof JsonObject billed ? billed
        : usage.getValue("tokens") instanceof JsonObject tokens ? tokens : new JsonObject();
    long prompt = count(counts, "input_tokens");
    long completion = count(counts, "output_tokens");
    return new Usage(prompt, completion, prompt + completion, 0);
  }

  static JsonObject openAiUsage(Usage usage) {
    return new JsonObject()
        .put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens())
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", usage.cachedTokens()));
  }

  static JsonObject readable(Deployment deployment, Buffer body) {
    JsonObject json = Json.objectOrNull(body);
    if (json == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not a Cohere response.");
    }
    return json;
  }

  static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
