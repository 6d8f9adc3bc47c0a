package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Answer;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Azure OpenAI: OpenAI's wire format at {@code {api_base}/openai/deployments/{deployment}/...}
 * with {@code ?api-version=} and the key in an {@code api-key} header, or an Entra ID bearer token
 * ({@link AzureCredentials}).
 */
final class AzureAdapter implements ProviderAdapter {

  static final AzureAdapter INSTANCE = new AzureAdapter();
  /** Azure's current GA version, used when the deployment gives no {@code api_version}. */
  static final String DEFAULT_API_VERSION = "2024-10-21";

  private AzureAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String version = DeploymentValues.require(deployment, deployment.apiVersion(), "api_version");
    String query = "?api-version=" + encode(version == null ? DEFAULT_API_VERSION : version);
    String deploymentUrl = apiBase + "/openai/deployments/" + encode(deployment.upstreamModel());
    if (MediaCalls.is(operation)) {
      MediaBodies.Encoded media = MediaBodies.encode(operation, deployment, body);
      AzureCredentials.apply(deployment, media.headers(), (h, key) -> h.set("api-key", key));
      return new UpstreamRequest(deploymentUrl + operation.path() + query, media.headers(), media.body(), false);
    }
    OpenAiBodies.Prepared prepared = OpenAiBodies.prepare(operation, deployment, body, stream);
    MultiMap headers = OpenAiAdapter.headers(stream);
    AzureCredentials.apply(deployment, headers, (h, key) -> h.set("api-key", key));
    String url = deploymentUrl + prepared.upstreamOperation().path() + query;
    return new UpstreamRequest(url, headers, prepared.body().toBuffer(), prepared.asksForUsage());
  }

  @Override
  public Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    return AzureCredentials.authorize(deployment, request, clients);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    return OpenAiAdapter.INSTANCE.answer(operation, deployment, body);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    return OpenAiAdapter.INSTANCE.stream(operation, deployment, request, clientWantsUsage);
  }

  @Override
  public boolean supports(Operation operation) {
    return true;
  }
}
