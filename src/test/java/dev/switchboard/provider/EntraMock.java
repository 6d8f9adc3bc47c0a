package dev.switchboard.provider;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entra ID's v2.0 token endpoint, strictly: POST /{tenant}/oauth2/v2.0/token with a form of
 * client_credentials for the Cognitive Services scope; a wrong client or secret is AADSTS7000215.
 */
final class EntraMock {

  private final Vertx vertx;
  private final String clientId;
  private final String secret;
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
  private HttpServer server;

  EntraMock(Vertx vertx, String clientId, String secret) {
    this.vertx = vertx;
    this.clientId = clientId;
    this.secret = secret;
  }

  /** The n-th token issued for {@code tenant}. */
  static String token(String tenant, int n) {
    return "eyJ-" + tenant + "-" + n;
  }

  Future<EntraMock> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  Future<Void> stop() {
    return server.close();
  }

  int port() {
    return server.actualPort();
  }

  int requests() {
    return requests.get();
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    String[] path = request.path().split("/");
    boolean rightPath = request.method().name().equals("POST") && path.length == 5 && path[2].equals("oauth2")
        && path[3].equals("v2.0") && path[4].equals("token");
    String contentType = String.valueOf(request.getHeader("content-type"));
    request.body().onSuccess(raw -> {
      if (!rightPath || !contentType.startsWith("application/x-www-form-urlencoded")) {
        request.response().setStatusCode(404).end();
        return;
      }
      Map<String, String> form = form(raw.toString());
      if (!"client_credentials".equals(form.get("grant_type"))
          || !EntraTokenFetch.SCOPE.equals(form.get("scope"))) {
        error(request, 400, "invalid_request", 900144);
        return;
      }
      if (!clientId.equals(form.get("client_id")) || !secret.equals(form.get("client_secret"))) {
        error(request, 401, "invalid_client", 7000215);
        return;
      }
      int n = issued.computeIfAbsent(path[1], t -> new AtomicInteger()).incrementAndGet();
      request.response().putHeader("content-type", "application/json").end(new JsonObject()
          .put("token_type", "Bearer").put("expires_in", 3599).put("ext_expires_in", 3599)
          .put("access_token", token(path[1], n)).encode());
    });
  }

  private static void error(HttpServerRequest request, int status, String code, int aadsts) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json").end(new JsonObject()
        .put("error", code).put("error_description", "AADSTS" + aadsts + ": description-with-echo")
        .put("error_codes", new JsonArray().add(aadsts)).encode());
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
