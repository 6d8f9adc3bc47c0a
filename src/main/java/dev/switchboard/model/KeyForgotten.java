package dev.switchboard.model;

import io.vertx.core.json.JsonObject;

/**
 * {@code auth.forget}, announced to every node: the key with this hash changed or was deleted; caches must drop it. A null
 * hash ({@link #ALL}) drops every key: a user or team changed, and with it what its keys may do.
 */
public record KeyForgotten(String tokenHash) {

  public static final KeyForgotten ALL = new KeyForgotten(null);

  /** As announced to every node. */
  public JsonObject toJson() {
    return new JsonObject().put("token_hash", tokenHash);
  }

  public static KeyForgotten from(JsonObject json) {
    return new KeyForgotten(json.getString("token_hash"));
  }

  @Override
  public String toString() {
    return "KeyForgotten[redacted]";
  }
}
