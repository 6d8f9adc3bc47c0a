package dev.switchboard.relay;

import dev.switchboard.provider.Deployment;
import dev.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * {@code relay.call}: send this request to this deployment. For streams the relay writes straight
 * into {@code response} (the client's), so token bytes never cross the event bus.
 *
 * @param includeUsage the client asked for the usage chunk ({@code stream_options.include_usage})
 * @param response     the client's response; null for a call made on behalf of several clients
 * @param clientHeaders the client's request headers (a provider adapter may honour a few)
 * @param responded    completed with the provider's status when its response headers arrive (the moment a
 *                     circuit breaker stops guarding a stream), or null when nobody asks
 */
public record RelayCall(
    String requestId,
    Operation operation,
    Deployment deployment,
    JsonObject body,
    boolean stream,
    boolean includeUsage,
    HttpServerResponse response,
    MultiMap clientHeaders,
    long startNanos,
    Promise<Integer> responded) {

  public RelayCall(String requestId, Operation operation, Deployment deployment, JsonObject body, boolean stream,
      boolean includeUsage, HttpServerResponse response, MultiMap clientHeaders, long startNanos) {
    this(requestId, operation, deployment, body, stream, includeUsage, response, clientHeaders, startNanos, null);
  }
}
