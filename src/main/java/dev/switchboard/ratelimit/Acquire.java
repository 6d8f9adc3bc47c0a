package dev.switchboard.ratelimit;

import dev.switchboard.model.Principal;
import dev.switchboard.model.CallBody;

/** {@code ratelimit.acquire}: may this caller send this request to this model now? */
public record Acquire(Principal principal, String model, CallBody body) {
}
