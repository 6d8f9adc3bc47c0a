package dev.switchboard.files;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Calls a deployment's Files or Batches API ({@code {api_base}/files...}, Azure's
 * {@code /openai/files...?api-version=}) with its credentials. Not a routed model call: a file lives
 * at one deployment, so there is nowhere else to retry it.
 */
public final class FilesUpstream {

  /** Between two reads or writes; an upload or a large output file takes as long as its bytes keep moving. */
  private static final long IDLE_TIMEOUT_MS = 120_000;

  /** Kept in a field: an unreferenced client is cleaned up with its requests. */
  private final HttpClient client;

  public FilesUpstream(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
  }

  /** The provider's response, its body not yet read; {@code contentType} and {@code body} may be null. */
  public Future<HttpClientResponse> send(Deployment deployment, HttpMethod method, String resource, String path,
      String query, String contentType, Buffer body) {
    UpstreamRequest upstream;
    try {
      upstream = deployment.provider().adapter().filesApi(deployment, resource, path, query);
    } catch (GatewayError unset) {
      return Future.failedFuture(unset.withStatus(500));
    }
    if (upstream == null) {
      return Future.failedFuture(GatewayError.badRequest("model", "The deployment " + deployment.describe()
          + " has no Files or Batches API: only OpenAI and Azure deployments have them."));
    }
    MultiMap headers = upstream.headers();
    if (contentType != null) {
      headers.set("Content-Type", contentType);
    }
    return deployment.provider().adapter().authorize(deployment, upstream, url -> client)
        .compose(ready -> client.request(new RequestOptions().setMethod(method).setAbsoluteURI(ready.url())
            .setHeaders(ready.headers()).setIdleTimeout(IDLE_TIMEOUT_MS)))
        .compose(request -> body == null ? request.send() : request.send(body));
  }

  /** The provider's JSON answer; a refusal as the gateway's error with the provider's status and short message. */
  public Future<JsonObject> json(Deployment deployment, HttpMethod method, String resource, String path, String query,
      String contentType, Buffer body) {
    return send(deployment, method, resource, path, query, contentType, body)
        .compose(response -> response.body().compose(answer -> {
          JsonObject json = objectOrNull(answer);
          if (response.statusCode() >= 400 || json == null) {
            return Future.failedFuture(refusal(deployment, response.statusCode(), json));
          }
          return Future.succeededFuture(json);
        }));
  }

  /** The provider's refusal as the gateway's error (status kept), with its own message cut short. */
  public static GatewayError refusal(Deployment deployment, int status, JsonObject body) {
    String message = "no error message";
    if (body != null && body.getValue("error") instanceof JsonObject error
        && error.getValue("message") instanceof String text) {
      message = text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
    int answered = status >= 400 ? status : 502;
    return GatewayError.of(ErrorClass.forStatus(answered, null), "provider_files_failed", "The deployment "
        + deployment.describe() + " answered " + status + ": " + message).withStatus(answered);
  }

  public static JsonObject objectOrNull(Buffer body) {
    try {
      return body == null || body.length() == 0 ? null : new JsonObject(body);
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
