package dev.switchboard.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** Calls the rate-limit tests make against a gateway, and what every 429 must look like. */
final class LimitCalls {

  static final String MASTER = "sk-master-limits";

  private LimitCalls() {
  }

  static Future<JsonObject> admin(WebClient client, int port, String path, JsonObject body) {
    return client.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body)
        .map(response -> {
          assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
          return response.bodyAsJsonObject();
        });
  }

  static Future<String> newKey(WebClient client, int port, JsonObject fields) {
    return admin(client, port, "/key/generate", fields).map(key -> key.getString("key"));
  }

  static Future<HttpResponse<Buffer>> chat(WebClient client, int port, String key, String model, String text) {
    return chat(client, port, key, Requests.chat(model).user(text).build());
  }

  static Future<HttpResponse<Buffer>> chat(WebClient client, int port, String key, JsonObject body) {
    return client.post(port, "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(body);
  }

  /** Every permit given back: what the gateway counted for earlier requests is settled. */
  static Future<Void> settled(Vertx vertx, Gateway gateway) {
    return Awaits.until(vertx, () -> gateway.rateLimits().inFlight() == 0, 10_000);
  }

  /** A 429 in OpenAI's shape that names the limit and leaks no key and no hash. */
  static JsonObject assertRateLimited(HttpResponse<Buffer> response, String param, String key) {
    assertEquals(429, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals("rate_limit_error", error.getString("type"));
    assertEquals("rate_limit_exceeded", error.getString("code"));
    assertEquals(param, error.getString("param"), error.encode());
    assertTrue(error.getString("message").contains(param), error.getString("message"));
    String retryAfter = response.getHeader("Retry-After");
    assertTrue(retryAfter != null && Long.parseLong(retryAfter) >= 1, "Retry-After: " + retryAfter);
    String body = response.bodyAsString();
    if (key != null) {
      assertFalse(body.contains(key), body);
      assertFalse(body.contains(key.substring(key.length() - 8)), body);
    }
    assertFalse(body.matches("(?s).*[0-9a-f]{32}.*"), "no hash: " + body);
    return error;
  }
}
