package dev.switchboard.model;

import io.vertx.core.MultiMap;

/** Finds the API key in the headers LiteLLM accepts: Authorization (Bearer), x-api-key, api-key. */
public final class Credentials {

  public static final String ACCEPTED_HEADERS = "'Authorization: Bearer <key>', 'x-api-key: <key>' or 'api-key: <key>'";
  private static final String BEARER = "bearer ";

  private Credentials() {
  }

  public static String from(MultiMap headers) {
    String authorization = headers.get("authorization");
    if (authorization != null && !authorization.isBlank()) {
      String value = authorization.trim();
      if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        value = value.substring(BEARER.length()).trim();
      }
      return value.isEmpty() ? null : value;
    }
    String apiKey = headers.get("x-api-key");
    if (apiKey == null || apiKey.isBlank()) {
      apiKey = headers.get("api-key");
    }
    return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
  }
}
