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
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * Google AI Studio's Gemini API behind OpenAI's chat and embeddings (and Anthropic's messages, by
 * way of {@link MessagesBridge}): {@code {api_base}/v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents}, the key in
 * {@code x-goog-api-key} ({@code api_key}, else {@code GEMINI_API_KEY} as in LiteLLM).
 */
final class GeminiAdapter implements ProviderAdapter {

  static final GeminiAdapter INSTANCE = new GeminiAdapter();
  static final String KEY_HEADER = "x-goog-api-key";
  static final String KEY_VARIABLE = "GEMINI_API_KEY";

  private GeminiAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    if (apiKey == null) {
      apiKey = System.getenv(KEY_VARIABLE);
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_api_key", "Deployment " + deployment.id() + " of model '"
          + deployment.modelGroup() + "' cannot be called: it has no api_key and " + KEY_VARIABLE
          + " is not set on the gateway. Set one of them and restart Switchboard.");
    }
    MultiMap headers = OpenAiAdapter.headers(stream).set(KEY_HEADER, apiKey);
    String model = versioned(apiBase) + "/models/" + modelName(deployment);
    if (operation == Operation.EMBEDDING) {
      return new UpstreamRequest(model + ":batchEmbedContents", headers,
          GeminiEmbeddings.batchRequest(deployment, body).toBuffer(), false);
    }
    JsonObject chat = operation == Operation.MESSAGES ? MessagesBridge.toOpenAiChat(body) : body;
    String url = model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    return new UpstreamRequest(url, headers, GeminiRequests.generateContent(deployment, chat).toBuffer(), false);
  }

  /** LiteLLM takes the host as api_base; one that already names an API version is used as given. */
  static String versioned(String apiBase) {
    return apiBase.endsWith("/v1beta") || apiBase.endsWith("/v1") ? apiBase : apiBase + "/v1beta";
  }

  /** The model as Gemini's paths name it, with or without LiteLLM's optional {@code models/}. */
  static String modelName(Deployment deployment) {
    String model = deployment.upstreamModel();
    return model.startsWith("models/") ? model.substring("models/".length()) : model;
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    JsonObject response = GeminiAnswers.readable(deployment, body);
    if (operation == Operation.EMBEDDING) {
      return new Answer(GeminiEmbeddings.list(deployment, response).toBuffer(), Usage.NONE);
    }
    JsonObject completion = GeminiAnswers.completion(deployment, response);
    Usage usage = GeminiAnswers.usage(response.getJsonObject("usageMetadata"));
    if (operation == Operation.MESSAGES) {
      return new Answer(MessagesBridge.toAnthropicMessage(completion, usage, deployment.modelGroup()).toBuffer(), usage);
    }
    return new Answer(completion.toBuffer(), usage);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    if (operation == Operation.MESSAGES) {
      // Told as OpenAI chunks (usage included, for message_delta), then as Anthropic's events.
      return new Chained(new GeminiStream(deployment, true), new OpenAiToAnthropicStream(deployment));
    }
    return new GeminiStream(deployment, clientWantsUsage);
  }

  @Override
  public boolean supports(Operation operation) {
    return operation != Operation.COMPLETION && !MediaCalls.is(operation);
  }

  /** One translator's output fed to another, event by event; usage, size and end are the first's (Ollama's too). */
  record Chained(StreamTranslator first, StreamTranslator second) implements StreamTranslator {

    @Override
    public void onEvent(String data, Consumer<String> emit) {
      first.onEvent(data, chunk -> second.onEvent(chunk, emit));
    }

    @Override
    public Usage usage() {
      return first.usage();
    }

    @Override
    public long streamedChars() {
      return first.streamedChars();
    }

    @Override
    public boolean reachedEnd() {
      return first.reachedEnd();
    }
  }
}
