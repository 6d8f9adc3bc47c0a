package dev.switchboard.routing;

import dev.switchboard.auth.Principal;

/**
 * {@code router.pick}: which deployment should serve this model for this caller.
 *
 * @param estimatedTokens what the request is expected to cost, for deployments with a tpm bound
 */
public record PickRequest(String model, Principal principal, long estimatedTokens) {
}
