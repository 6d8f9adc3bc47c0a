package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The OpenAI-format request body a provider receives: the client's, minus what is the gateway's. */
final class OpenAiBodies {

  /**
   * Fields LiteLLM clients send for the gateway itself. Providers reject unknown fields, and some
   * of these carry secrets, so none is ever forwarded.
   */
  static final Set<String> GATEWAY_ONLY_FIELDS = Set.of(
      "metadata", "litellm_metadata", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
      "num_retries", "max_retries", "timeout", "stream_timeout", "mock_response", "mock_tool_calls", "mock_testing_fallbacks",
      "mock_timeout", "tags", "caching", "cache", "no-log", "guardrails", "api_key", "api_base", "base_url",
      "api_version", "litellm_call_id", "litellm_logging_obj", "proxy_server_request", "secret_fields",
      "drop_params", "additional_drop_params", "model_list", "user_api_key", "litellm_trace_id");

  /**
   * The body to send, the operation the provider is asked for (chat, for an Anthropic-format
   * client), and whether the gateway added a usage request the client did not make.
   */
  record Prepared(JsonObject body, Operation upstreamOperation, boolean asksForUsage) {
  }

  private OpenAiBodies() {
  }

  static Prepared prepare(Operation operation, Deployment deployment, JsonObject clientBody, boolean stream) {
    boolean bridged = operation == Operation.MESSAGES;
    JsonObject body = bridged ? MessagesBridge.toOpenAiChat(clientBody)
        : new JsonObject(new LinkedHashMap<>(clientBody.getMap()));
    for (String field : GATEWAY_ONLY_FIELDS) {
      body.remove(field);
    }
    body.put("model", deployment.upstreamModel());
    boolean asksForUsage = false;
    if (stream && deployment.provider().acceptsStreamOptions()) {
      JsonObject options = body.getValue("stream_options") instanceof JsonObject given ? given.copy() : new JsonObject();
      asksForUsage = !Boolean.TRUE.equals(options.getValue("include_usage"));
      body.put("stream_options", options.put("include_usage", true));
    }
    return new Prepared(body, bridged ? Operation.CHAT : operation, asksForUsage);
  }

  /**
   * Refuses by name a field the provider's translation does not take, and {@code n} above 1 (these
   * translations give one choice), unless the deployment drops unsupported parameters, as LiteLLM does.
   */
  static void refuseUntranslated(Deployment deployment, JsonObject openAi, Set<String> translated) {
    if (deployment.dropParams()) {
      return;
    }
    for (Map.Entry<String, Object> field : openAi) {
      String name = field.getKey();
      boolean known = translated.contains(name) || GATEWAY_ONLY_FIELDS.contains(name);
      boolean oneChoice = !"n".equals(name) || !(field.getValue() instanceof Number n) || n.intValue() == 1;
      if (field.getValue() != null && (!known || !oneChoice)) {
        throw GatewayError.badRequest(name, "Parameter '" + name + "'" + (known ? " above 1" : "")
            + " is not supported by " + deployment.describe()
            + ". Remove it, or set litellm_settings.drop_params: true to drop unsupported parameters.");
      }
    }
  }
}
