package dev.switchboard.provider;

import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Azure AI Foundry serverless models ({@code azure_ai/}): OpenAI's wire format at
 * {@code {api_base}/chat/completions}. The key goes in both {@code api-key} and
 * {@code Authorization: Bearer}, which are the two headers these endpoints accept; Entra ID
 * tokens work as for Azure OpenAI.
 */
final class AzureAiAdapter implements ProviderAdapter {

  static final AzureAiAdapter INSTANCE = new AzureAiAdapter();

  private AzureAiAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    OpenAiBodies.Prepared prepared = OpenAiBodies.prepare(operation, deployment, body, stream);
    MultiMap headers = OpenAiAdapter.headers(stream);
    AzureCredentials.apply(deployment, headers, (h, key) -> h.set("api-key", key).set(HttpHeaders.AUTHORIZATION, "Bearer " + key));
    return new UpstreamRequest(apiBase + prepared.upstreamOperation().path(), headers, prepared.body().toBuffer(),
        prepared.asksForUsage());
  }

  @Override
  public Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    return AzureCredentials.authorize(deployment, request, clients);
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
    return !MediaCalls.is(operation);
  }
}
