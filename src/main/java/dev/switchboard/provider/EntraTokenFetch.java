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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One OAuth 2.0 client-credentials exchange at Entra ID's v2.0 token endpoint, for Azure AI
 * services' scope. Errors name the tenant and client, never the secret or the endpoint's text.
 */
final class EntraTokenFetch {

  static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
  static final String SCOPE = "https://cognitiveservices.azure.com/.default";
  private static final long TIMEOUT_MS = 10_000;

  private EntraTokenFetch() {
  }

  /** The token URL of {@code tenantId} at {@code authorityHost} (a host name or URL; null for the public cloud). */
  static String tokenUrl(String authorityHost, String tenantId) {
    String host = authorityHost == null || authorityHost.isBlank() ? DEFAULT_AUTHORITY : authorityHost.trim();
    if (!host.startsWith("http://") && !host.startsWith("https://")) {
      host = "https://" + host;
    }
    while (host.endsWith("/")) {
      host = host.substring(0, host.length() - 1);
    }
    return host + "/" + encode(tenantId) + "/oauth2/v2.0/token";
  }

  static Future<EntraTokens.Grant> fetch(HttpClient client, EntraTokens.Key key, String clientSecret) {
    String form = "grant_type=client_credentials&client_id=" + encode(key.clientId()) + "&client_secret="
        + encode(clientSecret) + "&scope=" + encode(SCOPE);
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(key.tokenUrl())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
          .putHeader(HttpHeaders.ACCEPT, "application/json")
          .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS);
    } catch (RuntimeException badUrl) {
      return Future.failedFuture(GatewayError.of(ErrorClass.INTERNAL_SERVER, "invalid_azure_authority_host",
          "azure_authority_host gives no valid token URL for tenant_id " + key.tenantId() + "; fix it in config.yaml."));
    }
    return client.request(options)
        .compose(request -> request.send(Buffer.buffer(form)))
        .compose(response -> response.body().compose(body -> grant(key, response, body)))
        .recover(failure -> Future.failedFuture(failure instanceof GatewayError known ? known
            : unavailable(key, "could not be reached (" + failure.getClass().getSimpleName() + ")")));
  }

  private static Future<EntraTokens.Grant> grant(EntraTokens.Key key, HttpClientResponse response, Buffer body) {
    JsonObject json = Json.objectOrNull(body);
    int status = response.statusCode();
    if (status / 100 == 2) {
      String token = json == null ? null : json.getValue("access_token") instanceof String s ? s : null;
      Long expiresIn = json == null ? null : seconds(json.getValue("expires_in"));
      if (token == null || token.isEmpty() || expiresIn == null) {
        return Future.failedFuture(unavailable(key, "answered without access_token and expires_in"));
      }
      return Future.succeededFuture(new EntraTokens.Grant(token, expiresIn));
    }
    if (status == 400 || status == 401 || status == 403) {
      return Future.failedFuture(GatewayError.of(ErrorClass.AUTHENTICATION, "azure_ad_token_refused",
          "Entra ID refused the client credentials of tenant_id " + key.tenantId() + ", client_id " + key.clientId()
              + " (HTTP " + status + reason(json) + "). Check tenant_id, client_id and client_secret."));
    }
    return Future.failedFuture(unavailable(key, "answered HTTP " + status + reason(json)));
  }

  /** Only the OAuth error code and AADSTS numbers: the endpoint's description text is not repeated. */
  private static String reason(JsonObject json) {
    if (json == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    if (json.getValue("error") instanceof String code && code.matches("[a-z_]{1,64}")) {
      out.append(", ").append(code);
    }
    if (json.getValue("error_codes") instanceof JsonArray codes) {
      for (Object code : codes) {
        if (code instanceof Number number) {
          out.append(" AADSTS").append(number.longValue());
        }
      }
    }
    return out.toString();
  }

  private static Long seconds(Object value) {
    if (value instanceof Number number) {
      return number.longValue();
    }
    if (value instanceof String text && text.matches("\\d{1,9}")) {
      return Long.parseLong(text);
    }
    return null;
  }

  private static GatewayError unavailable(EntraTokens.Key key, String what) {
    return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "azure_ad_token_unavailable", "No Entra ID token for tenant_id "
        + key.tenantId() + ", client_id " + key.clientId() + ": the token endpoint " + what + ". Retry later.");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
