package dev.switchboard.ratelimit;

import dev.switchboard.auth.Principal;
import io.vertx.core.json.JsonObject;

/** {@code ratelimit.acquire}: may this caller send this request to this model now? */
public record Acquire(Principal principal, String model, JsonObject body) {
}
