package dev.switchboard.ingress;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Reads or deletes a response an OpenAI or Azure deployment keeps, at that deployment (the one that
 * answered it, as the gateway recorded): {@code GET|DELETE {api_base}/v1/responses/{id}[/input_items]}
 * (Azure: {@code /openai/responses/...?api-version=}). Not a routed model call: no retries, no health.
 */
final class ProviderResponseCall {

  private static final long TIMEOUT_MS = 30_000;

  /** Kept in a field: an unreferenced client is cleaned up with its requests. */
  private final HttpClient client;

  ProviderResponseCall(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
  }

  /** The provider's JSON answer; its 404 as the gateway's, any other refusal with its status and short message. */
  Future<JsonObject> send(Deployment deployment, HttpMethod method, String path, String query, GatewayError notFound) {
    UpstreamRequest upstream;
    try {
      upstream = deployment.provider().adapter().storedResponse(deployment, path, query);
    } catch (GatewayError unset) {
      return Future.failedFuture(unset.withStatus(500));
    }
    if (upstream == null) {
      return Future.failedFuture(notFound);
    }
    return deployment.provider().adapter().authorize(deployment, upstream, url -> client)
        .compose(ready -> client.request(new RequestOptions().setMethod(method).setAbsoluteURI(ready.url())
            .setHeaders(ready.headers()).setIdleTimeout(TIMEOUT_MS)))
        .compose(request -> request.send())
        .compose(response -> response.body().compose(body -> {
          if (response.statusCode() == 404) {
            return Future.failedFuture(notFound);
          }
          JsonObject json = objectOrNull(body.toString());
          if (response.statusCode() >= 400 || json == null) {
            return Future.failedFuture(GatewayError.of(ErrorClass.forStatus(response.statusCode(), null),
                "provider_response_failed", "The provider that keeps this response (" + deployment.describe()
                    + ") answered " + response.statusCode() + ": " + providerMessage(json)).withStatus(
                        response.statusCode() >= 400 ? response.statusCode() : 502));
          }
          return Future.succeededFuture(json);
        }));
  }

  private static JsonObject objectOrNull(String body) {
    try {
      return new JsonObject(body);
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /** The provider's own message, short, never its whole body (which could echo headers). */
  private static String providerMessage(JsonObject body) {
    if (body != null && body.getValue("error") instanceof JsonObject error
        && error.getValue("message") instanceof String message) {
      return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
    return "no error message";
  }
}
