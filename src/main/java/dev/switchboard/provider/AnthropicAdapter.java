package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Answer;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's Messages API behind OpenAI's chat: {@code api_base} is the host (as LiteLLM takes it)
 * with {@code /v1/messages} appended, the key goes in {@code x-api-key}.
 */
final class AnthropicAdapter implements ProviderAdapter {

  static final AnthropicAdapter INSTANCE = new AnthropicAdapter();
  static final String API_VERSION = "2023-06-01";
  static final String BETA_HEADER = "anthropic-beta";

  private AnthropicAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    MultiMap headers = OpenAiAdapter.headers(stream).set("anthropic-version", API_VERSION);
    if (apiKey != null) {
      headers.set("x-api-key", apiKey);
    }
    // Beta features (prompt caching, extended thinking...) are asked for by header; Claude Code relies on it.
    String beta = clientHeaders == null ? null : clientHeaders.get(BETA_HEADER);
    if (beta != null) {
      headers.set(BETA_HEADER, beta);
    }
    JsonObject messages = operation == Operation.MESSAGES
        ? AnthropicRequests.passthrough(deployment, body) : AnthropicRequests.messagesBody(deployment, body, stream);
    return new UpstreamRequest(messagesUrl(apiBase), headers, messages.toBuffer(), false);
  }

  static String messagesUrl(String apiBase) {
    if (apiBase.endsWith("/v1/messages")) {
      return apiBase;
    }
    return apiBase.endsWith("/v1") ? apiBase + "/messages" : apiBase + "/v1/messages";
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    JsonObject message = Json.objectOrNull(body);
    if (message == null || !(message.getValue("content") instanceof JsonArray content)) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered " + deployment.describe() + " with something that is not an Anthropic message.");
    }
    if (operation == Operation.MESSAGES) {
      return new Answer(body, usage(message.getJsonObject("usage")));
    }
    StringBuilder text = new StringBuilder();
    JsonArray toolCalls = new JsonArray();
    for (int i = 0; i < content.size(); i++) {
      JsonObject block = content.getJsonObject(i);
      switch (String.valueOf(block.getString("type"))) {
        case "text" -> text.append(block.getString("text", ""));
        case "tool_use" -> toolCalls.add(new JsonObject().put("id", block.getString("id")).put("type", "function")
            .put("function", new JsonObject().put("name", block.getString("name"))
                .put("arguments", block.getJsonObject("input", new JsonObject()).encode())));
        default -> { }
      }
    }
    JsonObject assistant = new JsonObject().put("role", "assistant")
        .put("content", text.isEmpty() && !toolCalls.isEmpty() ? null : text.toString());
    if (!toolCalls.isEmpty()) {
      assistant.put("tool_calls", toolCalls);
    }
    Usage usage = usage(message.getJsonObject("usage"));
    JsonObject openAi = ChatShapes.completion(message.getString("id"), System.currentTimeMillis() / 1000,
        message.getString("model", deployment.upstreamModel()), assistant, finishReason(message.getString("stop_reason")),
        openAiUsage(usage));
    return new Answer(openAi.toBuffer(), usage);
  }

  /** Anthropic counts cached input apart; OpenAI's prompt_tokens include it. */
  static Usage usage(JsonObject usage) {
    if (usage == null) {
      return Usage.NONE;
    }
    long input = count(usage, "input_tokens");
    long cacheRead = count(usage, "cache_read_input_tokens");
    long cacheWrite = count(usage, "cache_creation_input_tokens");
    long output = count(usage, "output_tokens");
    long prompt = input + cacheRead + cacheWrite;
    return new Usage(prompt, output, prompt + output, cacheRead);
  }

  static JsonObject openAiUsage(Usage usage) {
    return new JsonObject()
        .put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens())
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", usage.cachedTokens()));
  }

  private static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }

  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop";
    };
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    return operation == Operation.MESSAGES
        ? new AnthropicPassthroughStream() : new AnthropicStream(deployment, clientWantsUsage);
  }

  @Override
  public boolean supports(Operation operation) {
    return operation == Operation.CHAT || operation == Operation.MESSAGES;
  }
}
