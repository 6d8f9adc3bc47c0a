package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/**
 * Jina AI's {@code POST /v1/rerank} as LiteLLM's {@code jina_ai/} calls it: the api_base's host with
 * the path {@code /v1/rerank}, only {@code query}, {@code documents}, {@code top_n} and
 * {@code return_documents} sent, the key as a bearer token ({@code api_key}, else
 * {@code JINA_AI_API_KEY}). Its answer is vLLM's shape ({@link VllmRerank#answer}), priced per token.
 */
final class JinaRerank {

  static final String DEFAULT_API_BASE = "https://api.jina.ai/v1";
  private static final List<String> FIELDS = List.of("query", "documents", "top_n", "return_documents");

  private JinaRerank() {
  }

  /** LiteLLM keeps the api_base's scheme, host and port and puts its own path. */
  static String url(String apiBase) {
    URI base = URI.create(apiBase);
    return base.getScheme() + "://" + base.getRawAuthority() + "/v1/rerank";
  }

  static JsonObject request(String model, JsonObject rerank) {
    JsonObject out = new JsonObject().put("model", model);
    for (String field : FIELDS) {
      if (rerank.getValue(field) != null) {
        out.put(field, rerank.getValue(field));
      }
    }
    return out;
  }

  static String apiKey(Deployment deployment) {
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    if (apiKey == null || apiKey.isBlank()) {
      apiKey = System.getenv("JINA_AI_API_KEY");
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_api_key", "Deployment " + deployment.id() + " of model '"
          + deployment.modelGroup() + "' cannot be called: it has no api_key and JINA_AI_API_KEY is not set on the"
          + " gateway. Set one of them and restart Switchboard.");
    }
    return apiKey;
  }
}
