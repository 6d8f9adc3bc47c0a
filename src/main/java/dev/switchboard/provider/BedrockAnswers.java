package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.UUID;

/** Bedrock's Converse answer as an OpenAI chat completion; its stop reasons, usage and stream exceptions. */
final class BedrockAnswers {

  private BedrockAnswers() {
  }

  static JsonObject completion(Deployment deployment, JsonObject response) {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    JsonArray toolCalls = new JsonArray();
    JsonObject message = response.getValue("output") instanceof JsonObject output
        && output.getValue("message") instanceof JsonObject m ? m : new JsonObject();
    JsonArray content = message.getValue("content") instanceof JsonArray c ? c : new JsonArray();
    for (Object item : content) {
      if (!(item instanceof JsonObject block)) {
        continue;
      }
      if (block.getValue("text") instanceof String piece) {
        text.append(piece);
      } else if (block.getValue("toolUse") instanceof JsonObject toolUse) {
        Object input = toolUse.getValue("input");
        toolCalls.add(new JsonObject().put("id", toolUse.getString("toolUseId")).put("type", "function")
            .put("function", new JsonObject().put("name", toolUse.getString("name"))
                .put("arguments", input instanceof JsonObject object ? object.encode() : "{}")));
      } else if (block.getValue("reasoningContent") instanceof JsonObject thinking
          && thinking.getValue("reasoningText") instanceof JsonObject reasoningText
          && reasoningText.getValue("text") instanceof String piece) {
        reasoning.append(piece);
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
    return ChatShapes.completion("chatcmpl-" + UUID.randomUUID(), System.currentTimeMillis() / 1000,
        deployment.upstreamModel(), assistant, finishReason(response.getString("stopReason")),
        openAiUsage(usage(response.getJsonObject("usage"))));
  }

  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "guardrail_intervened", "content_filtered" -> "content_filter";
      default -> "stop";
    };
  }

  /**
   * Converse's inputTokens leave out the tokens read from or written to the prompt cache; OpenAI's
   * prompt_tokens include them, with the cache reads as cached_tokens (as LiteLLM reports them).
   */
  static Usage usage(JsonObject usage) {
    if (usage == null) {
      return Usage.NONE;
    }
    long cacheRead = count(usage, "cacheReadInputTokens");
    long prompt = count(usage, "inputTokens") + cacheRead + count(usage, "cacheWriteInputTokens");
    long completion = count(usage, "outputTokens");
    long total = Math.max(count(usage, "totalTokens"), prompt + completion);
    return new Usage(prompt, completion, total, cacheRead);
  }

  static JsonObject openAiUsage(Usage usage) {
    return new JsonObject()
        .put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens())
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", usage.cachedTokens()));
  }

  /** An exception frame of a stream, as LiteLLM classes Bedrock's exceptions. */
  static GatewayError streamException(Deployment deployment, String type, String message) {
    String detail = message == null ? "no details given" : message.replace('\n', ' ');
    if (detail.length() > 1000) {
      detail = detail.substring(0, 1000) + "...";
    }
    String lower = detail.toLowerCase(Locale.ROOT);
    String who = deployment.describe();
    String prefix = "The provider failed mid-stream for " + who + " (" + type + "): " + detail;
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "throttlingexception" -> GatewayError.of(ErrorClass.RATE_LIMIT, "rate_limit_exceeded", prefix + ". Retry later.");
      case "validationexception" -> lower.contains("too long") || lower.contains("too many") || lower.contains("context")
          ? GatewayError.of(ErrorClass.CONTEXT_WINDOW_EXCEEDED, ErrorClass.CONTEXT_LENGTH_CODE, prefix + ".")
          : GatewayError.of(ErrorClass.BAD_REQUEST, "invalid_request", prefix + ".");
      case "servicequotaexceededexception" -> GatewayError.of(ErrorClass.RATE_LIMIT, "rate_limit_exceeded", prefix + ".");
      case "modeltimeoutexception" -> GatewayError.of(ErrorClass.TIMEOUT, "timeout", prefix + ". Retry.");
      case "serviceunavailableexception", "modelnotreadyexception" ->
          GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "upstream_unavailable", prefix + ". Retry shortly.");
      case "internalserverexception" -> GatewayError.of(ErrorClass.INTERNAL_SERVER, "upstream_server_error", prefix + ". Retry.");
      case "accessdeniedexception" -> GatewayError.of(ErrorClass.PERMISSION_DENIED, "permission_denied", prefix + ".");
      default -> GatewayError.of(ErrorClass.API_CONNECTION, "upstream_stream_error", prefix + ". Retry, or try another model.");
    };
  }

  static JsonObject readable(Deployment deployment, io.vertx.core.buffer.Buffer body) {
    JsonObject json = Json.objectOrNull(body);
    if (json == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not a Bedrock Converse response.");
    }
    return json;
  }

  private static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
