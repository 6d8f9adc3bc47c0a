package dev.switchboard.provider;

import dev.switchboard.config.EnvValue;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Set;

/** Turns a client's chat request into a call to an OpenAI-compatible provider. */
public final class OpenAiAdapter {

  /**
   * Fields LiteLLM clients send for the gateway itself. Providers reject unknown fields, and some
   * of these carry secrets, so none is ever forwarded.
   */
  static final Set<String> GATEWAY_ONLY_FIELDS = Set.of(
      "metadata", "litellm_metadata", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
      "num_retries", "max_retries", "timeout", "mock_response", "mock_tool_calls", "mock_testing_fallbacks",
      "mock_timeout", "tags", "caching", "cache", "no-log", "guardrails", "api_key", "api_base", "base_url",
      "api_version", "litellm_call_id", "litellm_logging_obj", "proxy_server_request", "secret_fields",
      "drop_params", "additional_drop_params", "model_list", "user_api_key", "litellm_trace_id");

  private OpenAiAdapter() {
  }

  public static UpstreamRequest chat(Deployment deployment, JsonObject clientBody, boolean stream) {
    String apiBase = required(deployment, deployment.apiBase(), "api_base");
    String apiKey = required(deployment, deployment.apiKey(), "api_key");

    JsonObject body = new JsonObject(new LinkedHashMap<>(clientBody.getMap()));
    for (String field : GATEWAY_ONLY_FIELDS) {
      body.remove(field);
    }
    body.put("model", deployment.upstreamModel());
    boolean asksForUsage = false;
    if (stream && deployment.provider().acceptsStreamOptions()) {
      JsonObject options = body.getValue("stream_options") instanceof JsonObject given
          ? given.copy() : new JsonObject();
      asksForUsage = !Boolean.TRUE.equals(options.getValue("include_usage"));
      body.put("stream_options", options.put("include_usage", true));
    }

    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
    if (apiKey != null) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    return new UpstreamRequest(apiBase + "/chat/completions", headers, body.toBuffer(), asksForUsage);
  }

  /** The value, null when not configured, or a 500 naming the unset environment variable. */
  private static String required(Deployment deployment, EnvValue value, String setting) {
    if (value.isMissingVariable()) {
      throw new GatewayError(500, "configuration_error", "missing_environment_variable", null,
          "Deployment " + deployment.id() + " of model '" + deployment.modelGroup() + "' cannot be called: its "
              + setting + " comes from environment variable " + value.unsetVariable()
              + ", which is not set on the gateway. Set " + value.unsetVariable() + " and restart Switchboard.",
          null);
    }
    return value.value();
  }
}
