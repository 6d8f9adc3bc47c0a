package dev.switchboard.doctor;

import dev.switchboard.model.Deployment;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks each deployment's provider for its model list: the cheapest call that proves the api_base
 * resolves and answers and that the key is accepted (no tokens are spent). One probe per distinct
 * address and key, however many deployments share them.
 */
final class ProviderProbe {

  static final long TIMEOUT_MS = 5_000;
  private static final String ANTHROPIC_VERSION = "2023-06-01";
  private static final String AZURE_API_VERSION = "2024-10-21";

  private record Target(String url, String header, String key) {
  }

  private final HttpClient client;
  private final Map<Target, Future<HttpClientResponse>> probes = new ConcurrentHashMap<>();

  ProviderProbe(HttpClient client) {
    this.client = client;
  }

  Future<Check> check(Deployment deployment) {
    String name = "deployment " + deployment.modelGroup() + " (" + deployment.id() + ")";
    if (deployment.apiBase().isMissingVariable()) {
      return Future.succeededFuture(Check.fail(name, "api_base is os.environ/" + deployment.apiBase().unsetVariable()
          + ", which is not set: not probed", "export " + deployment.apiBase().unsetVariable()));
    }
    if (deployment.apiKey().isMissingVariable()) {
      return Future.succeededFuture(Check.fail(name, "api_key is os.environ/" + deployment.apiKey().unsetVariable()
          + ", which is not set: every call to it fails", "export " + deployment.apiKey().unsetVariable()));
    }
    if (deployment.azureAuth().usesAdToken() || deployment.azureAuth().usesClientCredentials()) {
      // An Entra ID token is not the key this probe sends; a 401 here would blame the wrong setting.
      return Future.succeededFuture(Check.warn(name, "authenticates with an Entra ID token: not probed",
          "call the model once to check its token settings"));
    }
    if ("vertex_ai".equals(deployment.provider().prefix())) {
      return Future.succeededFuture(Check.warn(name, "authenticates with a service-account token: not probed",
          "call the model once to check vertex_credentials and vertex_project"));
    }
    if ("bedrock".equals(deployment.provider().prefix())) {
      // Bedrock's calls are SigV4-signed: an unsigned probe would be refused whatever the keys are.
      boolean keys = deployment.awsAuth().accessKeyId().isSet() && deployment.awsAuth().secretAccessKey().isSet();
      return Future.succeededFuture(keys ? Check.warn(name, "signs its calls with SigV4: not probed",
          "call the model once to check its AWS credentials") : Check.fail(name, "has no aws_access_key_id and "
          + "aws_secret_access_key (nor AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY): every call to it fails",
          "set them in litellm_params or the environment"));
    }
    Target target = target(deployment);
    long start = System.nanoTime();
    return probes.computeIfAbsent(target, this::send)
        .map(response -> verdict(name, deployment, response.statusCode(), (System.nanoTime() - start) / 1_000_000))
        .otherwise(failure -> unreachable(name, deployment, failure));
  }

  private Future<HttpClientResponse> send(Target target) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(target.url())
        .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS);
    if (target.key() != null) {
      options.putHeader(target.header(), target.key());
    }
    if (target.header().equals("x-api-key")) {
      options.putHeader("anthropic-version", ANTHROPIC_VERSION);
    }
    return client.request(options).compose(request -> request.send())
        .compose(response -> response.body().map(body -> response));
  }

  private static Target target(Deployment deployment) {
    String base = deployment.apiBase().value();
    String key = deployment.apiKey().value();
    return switch (deployment.provider().prefix()) {
      case "anthropic" -> new Target(base + "/v1/models", "x-api-key", key);
      case "gemini" -> new Target(base + (base.endsWith("/v1beta") ? "" : "/v1beta") + "/models", "x-goog-api-key",
          key != null ? key : System.getenv("GEMINI_API_KEY"));
      case "azure" -> new Target(base + "/openai/models?api-version=" + (deployment.apiVersion().isSet()
          ? deployment.apiVersion().value() : AZURE_API_VERSION), "api-key", key);
      case "cohere", "cohere_chat" -> new Target(base.replaceAll("/v[12]/?$", "") + "/v1/models", "authorization",
          "Bearer " + (key != null ? key : System.getenv("COHERE_API_KEY")));
      // Ollama's list of pulled models; a key only when a proxy in front of it wants one.
      case "ollama", "ollama_chat" -> new Target(base.replaceAll("/+$", "") + "/api/tags", "authorization",
          key == null ? null : "Bearer " + key);
      default -> new Target(base + "/models", "authorization", key == null ? null : "Bearer " + key);
    };
  }

  private static Check verdict(String name, Deployment deployment, int status, long ms) {
    String where = address(deployment);
    if (status / 100 == 2) {
      return Check.ok(name, where + " answers and accepts the key (HTTP " + status + ", " + ms + " ms)");
    }
    // Gemini answers a wrong key with 400 API_KEY_INVALID; its model list has no other reason for a 400.
    if (status == 401 || status == 403 || status == 400 && "gemini".equals(deployment.provider().prefix())) {
      return Check.fail(name, where + " rejects the key (HTTP " + status + ")",
          "check this deployment's litellm_params.api_key (and the variable it names) for " + where);
    }
    if (status == 404 || status == 405) {
      return Check.warn(name, where + " answers, but has no model list to check the key with (HTTP " + status + ")",
          "check that api_base ends where the provider's API starts (often .../v1)");
    }
    return Check.warn(name, where + " answers HTTP " + status + " to a model-list request",
        "the provider may be degraded; calls to it may fail");
  }

  private static Check unreachable(String name, Deployment deployment, Throwable failure) {
    String where = address(deployment);
    Throwable cause = failure.getCause() != null && failure instanceof io.vertx.core.VertxException ? failure.getCause() : failure;
    if (cause instanceof UnknownHostException) {
      return Check.fail(name, "the host of " + where + " does not resolve", "check the spelling of api_base and DNS");
    }
    if (cause instanceof ConnectException) {
      return Check.fail(name, "nothing answers at " + where + " (" + cause.getMessage() + ")",
          "start the provider, or fix api_base (host and port)");
    }
    return Check.fail(name, where + " did not answer within " + TIMEOUT_MS + " ms (" + cause.getClass().getSimpleName()
        + ": " + cause.getMessage() + ")", "check the network path to the provider and api_base");
  }

  /** A deployment's api_base as shown: without credentials or query. */
  private static String address(Deployment deployment) {
    String clean = deployment.apiBase().value().replaceFirst("//[^@/]*@", "//");
    int query = clean.indexOf('?');
    return query < 0 ? clean : clean.substring(0, query);
  }
}
