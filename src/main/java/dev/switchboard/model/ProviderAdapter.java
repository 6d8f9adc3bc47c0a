package dev.switchboard.model;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** One provider wire format: how an OpenAI-shaped request goes out and how the answer comes back. */
public interface ProviderAdapter {

  /**
   * @param body the client's body (OpenAI-shaped, or Anthropic's for MESSAGES); never modified
   * @param clientHeaders the client's request headers, for the few a provider honours (anthropic-beta)
   * @throws dev.switchboard.errors.GatewayError when the request cannot be sent as configured
   */
  UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders);

  /**
   * Adds credentials that must be fetched first (an OAuth access token) to {@code request}'s
   * headers; the relay sends what this returns. Most providers put theirs in {@link #request} and
   * keep this default. A failure is a {@link dev.switchboard.errors.GatewayError} naming no secret.
   *
   * @param clients the relay's HTTP client for a URL (https or plain)
   */
  default Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    return Future.succeededFuture(request);
  }

  /**
   * The non-streaming answer in OpenAI's shape.
   *
   * @throws dev.switchboard.errors.GatewayError 502 when the provider's answer cannot be read
   */
  Answer answer(Operation operation, Deployment deployment, Buffer body);

  /**
   * The non-streaming answer, for adapters that need the client's request to build it (a rerank's
   * documents, which Cohere's v2 API does not send back).
   *
   * @param request the client's body, as sent to {@link #request}
   */
  default Answer answer(Operation operation, Deployment deployment, Buffer body, JsonObject request) {
    return answer(operation, deployment, body);
  }

  /** @param clientWantsUsage the client asked for the usage chunk ({@code stream_options.include_usage}) */
  StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request, boolean clientWantsUsage);

  /**
   * The stream's translator, for adapters whose events echo the client's request (a translated Responses
   * stream's {@code store}).
   *
   * @param clientRequest the client's body, as sent to {@link #request}
   */
  default StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage, JsonObject clientRequest) {
    return stream(operation, deployment, request, clientWantsUsage);
  }

  /** How the provider frames its streams; server-sent events unless it says otherwise. */
  default StreamFormat streamFormat() {
    return StreamFormat.SSE;
  }

  /**
   * Whether the provider keeps Responses API answers itself (OpenAI, Azure: {@code store},
   * {@code previous_response_id} and {@code GET /responses/{id}} are its own), so the gateway keeps none.
   */
  default boolean keepsResponses() {
    return false;
  }

  /**
   * For a provider that {@link #keepsResponses}: the request (URL and credentials; the method is the
   * caller's) for one of its stored responses, {@code path} below {@code /responses} such as
   * {@code /resp_1} or {@code /resp_1/input_items}, {@code query} as the client sent it (or null);
   * null for the others. {@link #authorize} still applies.
   */
  default UpstreamRequest storedResponse(Deployment deployment, String path, String query) {
    return null;
  }

  /**
   * OpenAI's Files and Batches APIs where the provider has them (OpenAI, Azure): the request (URL and
   * credentials; method, body and content type are the caller's) for {@code resource} ({@code /files}
   * or {@code /batches}) and {@code path} below it ({@code /file-1/content}), {@code query} as given
   * (or null); null for providers without them. {@link #authorize} still applies.
   */
  default UpstreamRequest filesApi(Deployment deployment, String resource, String path, String query) {
    return null;
  }

  /** Whether this provider can do {@code operation} at all. */
  boolean supports(Operation operation);
}
