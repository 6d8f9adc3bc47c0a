package dev.switchboard.routing;

import dev.switchboard.auth.Principal;

/** {@code router.pick}: which deployment should serve this model for this caller. */
public record PickRequest(String model, Principal principal) {
}
