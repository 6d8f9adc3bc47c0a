package dev.switchboard.provider;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Anthropic's {@code POST /v1/messages/count_tokens} for a deployment: the exact count, from the
 * provider itself. Its body takes only these fields (a {@code max_tokens} or {@code stream} there is
 * refused), with the deployment's own model name.
 */
public final class AnthropicTokenCount {

  private static final List<String> FIELDS = List.of("messages", "system", "tools", "tool_choice", "thinking", "mcp_servers");

  private AnthropicTokenCount() {
  }

  /** Whether the deployment speaks Anthropic's own API (and so has its count endpoint). */
  public static boolean applies(Deployment deployment) {
    return "anthropic".equals(deployment.provider().prefix()); // by prefix: adapters come wrapped (Responses)
  }

  /** @throws dev.switchboard.errors.GatewayError 500 when the deployment's key or base comes from an unset variable */
  public static UpstreamRequest request(Deployment deployment, JsonObject body, MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    MultiMap headers = OpenAiAdapter.headers(false).set("anthropic-version", AnthropicAdapter.API_VERSION);
    if (apiKey != null) {
      headers.set("x-api-key", apiKey);
    }
    String beta = clientHeaders == null ? null : clientHeaders.get(AnthropicAdapter.BETA_HEADER);
    if (beta != null) {
      headers.set(AnthropicAdapter.BETA_HEADER, beta);
    }
    JsonObject count = new JsonObject().put("model", deployment.upstreamModel());
    for (String field : FIELDS) {
      if (body.getValue(field) != null) {
        count.put(field, body.getValue(field));
      }
    }
    return new UpstreamRequest(AnthropicAdapter.messagesUrl(apiBase) + "/count_tokens", headers, count.toBuffer(), false);
  }
}
