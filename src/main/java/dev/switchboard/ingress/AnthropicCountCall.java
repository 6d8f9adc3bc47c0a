package dev.switchboard.ingress;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.provider.AnthropicTokenCount;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Asks an Anthropic deployment for the exact count ({@code POST /v1/messages/count_tokens}). Not
 * a routed model call (no retries, no deployment health): a request the provider finds malformed
 * (400, 413) is the client's to see; anything else (its key refused, its limits, an outage) is the
 * gateway's trouble, and the caller falls back to counting locally.
 */
final class AnthropicCountCall {

  private static final long TIMEOUT_MS = 30_000;

  /** Kept in a field: an unreferenced client is cleaned up with its requests. */
  private final HttpClient client;

  AnthropicCountCall(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
  }

  boolean applies(Deployment deployment) {
    return AnthropicTokenCount.applies(deployment);
  }

  Future<CountTokensHandler.Count> count(Deployment deployment, JsonObject body, MultiMap clientHeaders) {
    UpstreamRequest upstream;
    try {
      upstream = AnthropicTokenCount.request(deployment, body, clientHeaders);
    } catch (GatewayError unset) {
      return Future.failedFuture(unset.withStatus(500));
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(upstream.url())
        .setHeaders(upstream.headers()).setIdleTimeout(TIMEOUT_MS);
    return client.request(options)
        .compose(request -> request.send(upstream.body()))
        .compose(response -> response.body().compose(answer -> {
          if (response.statusCode() >= 400) {
            return Future.failedFuture(GatewayError.of(ErrorClass.forStatus(response.statusCode(), null), "count_tokens_failed",
                "The provider refused to count tokens: " + providerMessage(answer.toString())).withStatus(response.statusCode()));
          }
          JsonObject json = new JsonObject(answer);
          if (!(json.getValue("input_tokens") instanceof Number tokens)) {
            return Future.failedFuture(GatewayError.of(ErrorClass.API_CONNECTION, "count_tokens_failed",
                "The provider's count has no input_tokens."));
          }
          return Future.succeededFuture(new CountTokensHandler.Count(tokens.longValue(), "exact", "anthropic_api",
              deployment.upstreamModel()));
        }));
  }

  /** Whether the provider refused the request itself, not the gateway's key or its capacity. */
  static boolean clientsFault(GatewayError error) {
    return "count_tokens_failed".equals(error.code()) && (error.status() == 400 || error.status() == 413);
  }

  /** The provider's own message, short, never its whole body (which could echo headers). */
  private static String providerMessage(String body) {
    try {
      Object error = new JsonObject(body).getValue("error");
      if (error instanceof JsonObject details && details.getValue("message") instanceof String message) {
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
      }
    } catch (RuntimeException notJson) {
      // fall through
    }
    return "no error message";
  }
}
