package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Answer;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

/** OpenAI and every provider that speaks its wire format: the request goes out nearly as it came. */
final class OpenAiAdapter implements ProviderAdapter {

  static final OpenAiAdapter INSTANCE = new OpenAiAdapter();

  private OpenAiAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    if (MediaCalls.is(operation)) {
      MediaBodies.Encoded media = MediaBodies.encode(operation, deployment, body);
      if (apiKey != null) {
        media.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
      }
      return new UpstreamRequest(apiBase + operation.path(), media.headers(), media.body(), false);
    }
    OpenAiBodies.Prepared prepared = OpenAiBodies.prepare(operation, deployment, body, stream);
    MultiMap headers = headers(stream);
    if (apiKey != null) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    return new UpstreamRequest(apiBase + prepared.upstreamOperation().path(), headers, prepared.body().toBuffer(),
        prepared.asksForUsage());
  }

  static MultiMap headers(boolean stream) {
    return MultiMap.caseInsensitiveMultiMap()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    if (operation == Operation.MESSAGES) {
      JsonObject json = Json.objectOrNull(body);
      if (json == null) {
        throw notAnObject(deployment);
      }
      Usage usage = json.getValue("usage") instanceof JsonObject reported ? Usage.fromOpenAi(reported) : Usage.NONE;
      return new Answer(MessagesBridge.toAnthropicMessage(json, usage, deployment.modelGroup()).toBuffer(), usage);
    }
    // Passed through as it came: only its usage is read.
    UsageReader.Found found = UsageReader.read(body);
    if (!found.isObject()) {
      throw notAnObject(deployment);
    }
    return new Answer(body, Usage.fromOpenAi(found.usage()));
  }

  private static GatewayError notAnObject(Deployment deployment) {
    return GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered " + deployment.describe()
        + " with something that is not a JSON object. Retry, or check api_base.");
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    if (operation == Operation.MESSAGES) {
      return new OpenAiToAnthropicStream(deployment);
    }
    return new OpenAiStream(deployment, request.asksForUsage() && !clientWantsUsage);
  }

  @Override
  public boolean supports(Operation operation) {
    return true;
  }
}
