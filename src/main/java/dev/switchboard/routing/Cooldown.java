package dev.switchboard.routing;

import io.vertx.core.json.JsonObject;

/**
 * Announced on {@code router.cooldown} to every node: {@code deploymentId} rests until
 * {@code untilEpochMs} (wall-clock, so every node reads it the same way); an {@code untilEpochMs}
 * of 0 ends a cooldown (an operator's reset). Deployment ids are stable across nodes with one config.
 */
public record Cooldown(String deploymentId, long untilEpochMs, String reason) {

  /** As announced: JSON, so it can cross nodes. */
  public JsonObject toJson() {
    return new JsonObject().put("deployment_id", deploymentId).put("until_epoch_ms", untilEpochMs).put("reason", reason);
  }

  public static Cooldown from(JsonObject json) {
    return new Cooldown(json.getString("deployment_id"), json.getLong("until_epoch_ms", 0L), json.getString("reason"));
  }
}
