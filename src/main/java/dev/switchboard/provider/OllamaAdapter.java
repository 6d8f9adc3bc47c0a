package dev.switchboard.provider;

import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamFormat;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

/**
 * Ollama's native API behind OpenAI's chat and embeddings (and Anthropic's messages, by way of
 * {@link MessagesBridge}): {@code ollama/} calls {@code {api_base}/api/generate},
 * {@code ollama_chat/} calls {@code /api/chat}; both embed with {@code /api/embed}. Streams are
 * NDJSON. No key is needed; one that is configured goes as a bearer token (Ollama behind a proxy,
 * or ollama.com).
 */
final class OllamaAdapter implements ProviderAdapter {

  static final OllamaAdapter GENERATE = new OllamaAdapter(false);
  static final OllamaAdapter CHAT = new OllamaAdapter(true);

  private final boolean chat;

  private OllamaAdapter(boolean chat) {
    this.chat = chat;
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.ACCEPT, stream ? "application/x-ndjson" : "application/json");
    if (apiKey != null && !apiKey.isBlank()) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    if (operation == Operation.EMBEDDING) {
      return new UpstreamRequest(apiBase + "/api/embed", headers, OllamaRequests.embed(deployment, body).toBuffer(), false);
    }
    JsonObject openAi = operation == Operation.MESSAGES ? MessagesBridge.toOpenAiChat(body) : body;
    JsonObject out = chat ? OllamaRequests.chat(deployment, openAi, stream) : OllamaRequests.generate(deployment, openAi, stream);
    return new UpstreamRequest(apiBase + (chat ? "/api/chat" : "/api/generate"), headers, out.toBuffer(), false);
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    JsonObject response = OllamaAnswers.readable(deployment, body);
    Usage usage = OllamaAnswers.usage(response);
    if (operation == Operation.EMBEDDING) {
      return new Answer(OllamaAnswers.embeddings(deployment, response).toBuffer(), usage);
    }
    JsonObject completion = OllamaAnswers.completion(deployment, response);
    if (operation == Operation.MESSAGES) {
      return new Answer(MessagesBridge.toAnthropicMessage(completion, usage, deployment.modelGroup()).toBuffer(), usage);
    }
    return new Answer(completion.toBuffer(), usage);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    if (operation == Operation.MESSAGES) {
      return new GeminiAdapter.Chained(new OllamaStream(deployment, true), new OpenAiToAnthropicStream(deployment));
    }
    return new OllamaStream(deployment, clientWantsUsage);
  }

  @Override
  public StreamFormat streamFormat() {
    return StreamFormat.NDJSON;
  }

  @Override
  public boolean supports(Operation operation) {
    return operation != Operation.COMPLETION && !MediaCalls.is(operation);
  }
}
