package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One JWT-bearer exchange at a service account's token URI. Errors name the account, never the
 * key, the assertion or the endpoint's description text.
 */
final class VertexTokenFetch {

  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final long TIMEOUT_MS = 10_000;

  private VertexTokenFetch() {
  }

  static Future<EntraTokens.Grant> fetch(HttpClient client, VertexCredentials.ServiceAccount account, long nowSeconds) {
    String form;
    RequestOptions options;
    try {
      form = "grant_type=" + encode(GRANT_TYPE) + "&assertion=" + encode(VertexCredentials.assertion(account, nowSeconds));
      options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(account.tokenUri())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
          .putHeader(HttpHeaders.ACCEPT, "application/json")
          .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS);
    } catch (RuntimeException badUri) {
      return Future.failedFuture(GatewayError.of(ErrorClass.INTERNAL_SERVER, "invalid_vertex_credentials",
          "The service account " + account.clientEmail() + " has no usable token_uri or key; fix vertex_credentials."));
    }
    return client.request(options)
        .compose(request -> request.send(Buffer.buffer(form)))
        .compose(response -> response.body().compose(body -> grant(account, response, body)))
        .recover(failure -> Future.failedFuture(failure instanceof GatewayError known ? known
            : unavailable(account, "could not be reached (" + failure.getClass().getSimpleName() + ")")));
  }

  private static Future<EntraTokens.Grant> grant(VertexCredentials.ServiceAccount account, HttpClientResponse response,
      Buffer body) {
    JsonObject json = Json.objectOrNull(body);
    int status = response.statusCode();
    if (status / 100 == 2) {
      String token = json != null && json.getValue("access_token") instanceof String s && !s.isEmpty() ? s : null;
      Long expiresIn = json != null && json.getValue("expires_in") instanceof Number n ? n.longValue() : null;
      if (token == null || expiresIn == null) {
        return Future.failedFuture(unavailable(account, "answered without access_token and expires_in"));
      }
      return Future.succeededFuture(new EntraTokens.Grant(token, expiresIn));
    }
    if (status == 400 || status == 401 || status == 403) {
      // invalid_grant (a deleted or disabled key) or invalid_client: the credentials, not the request.
      return Future.failedFuture(GatewayError.of(ErrorClass.AUTHENTICATION, "vertex_credentials_refused",
          "Google refused the service account " + account.clientEmail() + " (HTTP " + status + reason(json)
              + "). Check vertex_credentials (or GOOGLE_APPLICATION_CREDENTIALS): the key may be deleted or disabled."));
    }
    return Future.failedFuture(unavailable(account, "answered HTTP " + status + reason(json)));
  }

  /** Only the OAuth error code: the endpoint's description is not repeated. */
  private static String reason(JsonObject json) {
    return json != null && json.getValue("error") instanceof String code && code.matches("[a-z_]{1,64}") ? ", " + code : "";
  }

  private static GatewayError unavailable(VertexCredentials.ServiceAccount account, String what) {
    return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "vertex_token_unavailable", "No access token for the service "
        + "account " + account.clientEmail() + ": the token endpoint " + what + ". Retry later.");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
