package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Gemini's GenerateContentResponse as an OpenAI chat completion: its first candidate, finish reason and usage. */
final class GeminiAnswers {

  private GeminiAnswers() {
  }

  static JsonObject completion(Deployment deployment, JsonObject response) {
    JsonObject candidate = firstCandidate(response);
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    JsonArray toolCalls = new JsonArray();
    for (Object item : parts(candidate)) {
      if (!(item instanceof JsonObject part)) {
        continue;
      }
      if (part.getValue("functionCall") instanceof JsonObject call) {
        toolCalls.add(toolCall(call));
      } else if (part.getValue("text") instanceof String piece) {
        (Boolean.TRUE.equals(part.getValue("thought")) ? reasoning : text).append(piece);
      }
    }
    JsonObject assistant = new JsonObject().put("role", "assistant")
        .put("content", text.isEmpty() && !toolCalls.isEmpty() ? null : text.toString());
    if (!reasoning.isEmpty()) {
      assistant.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      assistant.put("tool_calls", toolCalls);
    }
    JsonObject metadata = response.getJsonObject("usageMetadata");
    return ChatShapes.completion(response.getString("responseId", "chatcmpl-" + UUID.randomUUID()),
        System.currentTimeMillis() / 1000, response.getString("modelVersion", deployment.upstreamModel()), assistant,
        finishReason(candidate == null ? null : candidate.getString("finishReason"), !toolCalls.isEmpty(),
            candidate == null),
        openAiUsage(usage(metadata), metadata));
  }

  /** The answer's first candidate, or null when the prompt itself was blocked (promptFeedback). */
  static JsonObject firstCandidate(JsonObject response) {
    if (response.getValue("candidates") instanceof JsonArray candidates && !candidates.isEmpty()
        && candidates.getValue(0) instanceof JsonObject first) {
      return first;
    }
    return null;
  }

  static JsonArray parts(JsonObject candidate) {
    if (candidate != null && candidate.getValue("content") instanceof JsonObject content
        && content.getValue("parts") instanceof JsonArray parts) {
      return parts;
    }
    return new JsonArray();
  }

  /** Gemini 2.x gives calls no id (newer models may): OpenAI clients need one to answer the call. */
  static JsonObject toolCall(JsonObject call) {
    String id = call.getValue("id") instanceof String given && !given.isEmpty() ? given : "call_" + UUID.randomUUID();
    Object args = call.getValue("args");
    return new JsonObject().put("id", id).put("type", "function").put("function", new JsonObject()
        .put("name", call.getString("name")).put("arguments", args instanceof JsonObject object ? object.encode() : "{}"));
  }

  /**
   * @param hasToolCalls Gemini says STOP after a function call; OpenAI clients look for tool_calls
   * @param blocked no candidate at all: the prompt was refused
   */
  static String finishReason(String reason, boolean hasToolCalls, boolean blocked) {
    if (blocked) {
      return "content_filter";
    }
    if (reason == null) {
      return hasToolCalls ? "tool_calls" : null;
    }
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
      default -> hasToolCalls ? "tool_calls" : "stop";
    };
  }

  /**
   * promptTokenCount already includes the cached tokens; thinking tokens are billed as output, so
   * they count as completion tokens (as OpenAI counts reasoning tokens).
   */
  static Usage usage(JsonObject metadata) {
    if (metadata == null) {
      return Usage.NONE;
    }
    long prompt = count(metadata, "promptTokenCount");
    long completion = count(metadata, "candidatesTokenCount") + count(metadata, "thoughtsTokenCount");
    long total = metadata.getValue("totalTokenCount") instanceof Number n ? n.longValue() : prompt + completion;
    return new Usage(prompt, completion, Math.max(total, prompt + completion), count(metadata, "cachedContentTokenCount"));
  }

  static JsonObject openAiUsage(Usage usage, JsonObject metadata) {
    JsonObject out = new JsonObject()
        .put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens())
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", usage.cachedTokens()));
    long thoughts = metadata == null ? 0 : count(metadata, "thoughtsTokenCount");
    if (thoughts > 0) {
      out.put("completion_tokens_details", new JsonObject().put("reasoning_tokens", thoughts));
    }
    return out;
  }

  static JsonObject readable(Deployment deployment, io.vertx.core.buffer.Buffer body) {
    JsonObject json = Json.objectOrNull(body);
    if (json == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not a Gemini response.");
    }
    return json;
  }

  private static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
