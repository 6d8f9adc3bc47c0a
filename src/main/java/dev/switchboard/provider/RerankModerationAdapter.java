package dev.switchboard.provider;

import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.PromptSize;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamFormat;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Rerank and moderations in front of a provider's adapter; every other operation goes to the
 * adapter untouched. Only the providers LiteLLM reranks with through a documented wire format get
 * {@code /rerank} (Cohere's v2 API; vLLM's and Jina AI's Cohere-like one), and only OpenAI-format providers get
 * {@code /moderations} (passed through as it came). Any other provider answers a 400 naming itself
 * and the operation, from the relay, as for any operation a provider lacks.
 */
final class RerankModerationAdapter implements ProviderAdapter {

  /** How a provider reranks. */
  enum Rerank { NONE, COHERE, VLLM, JINA }

  private final ProviderAdapter inner;
  private final Rerank rerank;
  private final boolean moderation;

  private RerankModerationAdapter(ProviderAdapter inner, Rerank rerank, boolean moderation) {
    this.inner = inner;
    this.rerank = rerank;
    this.moderation = moderation;
  }

  /** @param moderation whether the provider speaks OpenAI's {@code /moderations} */
  static ProviderAdapter wrap(ProviderAdapter adapter, Rerank rerank, boolean moderation) {
    return new RerankModerationAdapter(adapter, rerank, moderation);
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    if (operation != Operation.RERANK) {
      return inner.request(operation, deployment, body, stream, clientHeaders);
    }
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    MultiMap headers = OpenAiAdapter.headers(false);
    if (rerank == Rerank.COHERE) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + CohereAdapter.apiKey(deployment));
      return new UpstreamRequest(CohereAdapter.host(apiBase) + CohereRerank.PATH, headers,
          CohereRerank.request(deployment.upstreamModel(), body).toBuffer(), false);
    }
    if (rerank == Rerank.JINA) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + JinaRerank.apiKey(deployment));
      return new UpstreamRequest(JinaRerank.url(apiBase), headers,
          JinaRerank.request(deployment.upstreamModel(), body).toBuffer(), false);
    }
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    if (apiKey == null || apiKey.isBlank()) {
      apiKey = System.getenv("HOSTED_VLLM_API_KEY");
    }
    if (apiKey != null && !apiKey.isBlank()) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    return new UpstreamRequest(VllmRerank.url(apiBase), headers,
        VllmRerank.request(deployment.upstreamModel(), body).toBuffer(), false);
  }

  @Override
  public Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    return inner.authorize(deployment, request, clients);
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    return answer(operation, deployment, body, new JsonObject());
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body, JsonObject request) {
    if (operation != Operation.RERANK) {
      return inner.answer(operation, deployment, body, request);
    }
    JsonObject upstream = CohereAnswers.readable(deployment, body);
    // Rerank is priced per search (Cohere's search units, else one per request); the tokens read
    // count toward token limits.
    if (rerank == Rerank.COHERE) {
      long units = CohereRerank.searchUnits(upstream);
      long tokens = PromptSize.of(request).tokens();
      return new Answer(CohereRerank.answer(request, upstream).toBuffer(),
          new Usage(tokens, 0, tokens, 0, Math.max(1, units)));
    }
    long reported = VllmRerank.tokens(upstream);
    long tokens = reported > 0 ? reported : PromptSize.of(request).tokens();
    return new Answer(VllmRerank.answer(upstream).toBuffer(), new Usage(tokens, 0, tokens, 0, 1));
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    return inner.stream(operation, deployment, request, clientWantsUsage);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage, JsonObject clientRequest) {
    return inner.stream(operation, deployment, request, clientWantsUsage, clientRequest);
  }

  @Override
  public StreamFormat streamFormat() {
    return inner.streamFormat();
  }

  @Override
  public boolean keepsResponses() {
    return inner.keepsResponses();
  }

  @Override
  public UpstreamRequest storedResponse(Deployment deployment, String path, String query) {
    return inner.storedResponse(deployment, path, query);
  }

  @Override
  public UpstreamRequest filesApi(Deployment deployment, String resource, String path, String query) {
    return inner.filesApi(deployment, resource, path, query);
  }

  @Override
  public boolean supports(Operation operation) {
    return switch (operation) {
      case RERANK -> rerank != Rerank.NONE;
      case MODERATION -> moderation;
      default -> inner.supports(operation);
    };
  }
}
