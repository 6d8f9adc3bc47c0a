package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

/**
 * Cohere's v2 API behind OpenAI's chat and embeddings (and Anthropic's messages, by way of
 * {@link MessagesBridge}): {@code cohere/} and {@code cohere_chat/} both call
 * {@code {api_base}/v2/chat} (streamed as Cohere's typed server-sent events) and
 * {@code /v2/embed}, the key as a bearer token ({@code api_key}, else {@code COHERE_API_KEY}, else
 * {@code CO_API_KEY}, as in LiteLLM).
 */
final class CohereAdapter implements ProviderAdapter {

  static final CohereAdapter INSTANCE = new CohereAdapter();
  private static final String[] KEY_VARIABLES = {"COHERE_API_KEY", "CO_API_KEY"};

  private CohereAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    MultiMap headers = OpenAiAdapter.headers(stream).set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey(deployment));
    String base = host(apiBase);
    if (operation == Operation.EMBEDDING) {
      return new UpstreamRequest(base + "/v2/embed", headers, CohereEmbeddings.request(deployment, body).toBuffer(), false);
    }
    JsonObject chat = operation == Operation.MESSAGES ? MessagesBridge.toOpenAiChat(body) : body;
    return new UpstreamRequest(base + "/v2/chat", headers, CohereRequests.chat(deployment, chat, stream).toBuffer(), false);
  }

  /** LiteLLM takes the host as api_base; one that already ends in an API version has it cut off. */
  static String host(String apiBase) {
    String base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
    return base.endsWith("/v2") || base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
  }

  static String apiKey(Deployment deployment) {
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    for (int i = 0; (apiKey == null || apiKey.isBlank()) && i < KEY_VARIABLES.length; i++) {
      apiKey = System.getenv(KEY_VARIABLES[i]);
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_api_key", "Deployment " + deployment.id() + " of model '"
          + deployment.modelGroup() + "' cannot be called: it has no api_key and neither COHERE_API_KEY nor CO_API_KEY"
          + " is set on the gateway. Set one of them and restart Switchboard.");
    }
    return apiKey;
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    JsonObject response = CohereAnswers.readable(deployment, body);
    if (operation == Operation.EMBEDDING) {
      return CohereEmbeddings.answer(deployment, response);
    }
    JsonObject completion = CohereAnswers.completion(deployment, response);
    Usage usage = CohereAnswers.usage(response.getValue("usage") instanceof JsonObject given ? given : null);
    if (operation == Operation.MESSAGES) {
      return new Answer(MessagesBridge.toAnthropicMessage(completion, usage, deployment.modelGroup()).toBuffer(), usage);
    }
    return new Answer(completion.toBuffer(), usage);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    if (operation == Operation.MESSAGES) {
      return new GeminiAdapter.Chained(new CohereStream(deployment, true), new OpenAiToAnthropicStream(deployment));
    }
    return new CohereStream(deployment, clientWantsUsage);
  }

  @Override
  public boolean supports(Operation operation) {
    return operation != Operation.COMPLETION && !MediaCalls.is(operation);
  }
}
