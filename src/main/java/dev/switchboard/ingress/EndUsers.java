package dev.switchboard.ingress;

import dev.switchboard.model.CallBody;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * Whom a request is for, LiteLLM's end user (a customer): where LiteLLM looks, in its order. Its
 * standard headers first ({@code x-litellm-customer-id}, {@code x-litellm-end-user-id}, always read),
 * then the body's {@code user}, {@code litellm_metadata.user}, {@code metadata.user_id}.
 */
final class EndUsers {

  private static final String[] HEADERS = {"x-litellm-customer-id", "x-litellm-end-user-id"};

  private EndUsers() {
  }

  /** The end user's id, or null when the request names none. */
  static String of(MultiMap headers, CallBody body) {
    for (String header : HEADERS) {
      String value = headers == null ? null : headers.get(header);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    if (body.user() != null) {
      return body.user();
    }
    JsonObject json = body.json();
    if (json.getValue("litellm_metadata") instanceof JsonObject litellm && litellm.getValue("user") instanceof String user
        && !user.isEmpty()) {
      return user;
    }
    if (json.getValue("metadata") instanceof JsonObject metadata && metadata.getValue("user_id") instanceof String user) {
      return user;
    }
    return null;
  }
}
