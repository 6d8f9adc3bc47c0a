package dev.switchboard.routing;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.RelayResult;

/**
 * Whose fault a failed attempt was. Only the provider's count against a deployment (its circuit,
 * cooldowns, health state); a client that left is not a failure at all and never gets this far.
 */
enum Blame {
  /** What the provider did: connection errors, timeouts, 5xx, 429, its refusal of the gateway's credentials (401, 403). */
  PROVIDER,
  /** The request's own 4xx: invalid, unknown model upstream, too long, refused by a content policy. */
  CALLER,
  /** The gateway could not build or send the request (configuration, translation, its own bug): never retried. */
  GATEWAY;

  static Blame of(GatewayError error) {
    String code = error.code();
    if (RelayResult.INVALID_API_BASE.equals(code) || RelayResult.UNTRANSLATABLE.equals(code) || "internal_error".equals(code)) {
      return GATEWAY;
    }
    int status = error.status();
    boolean providers = status >= 500 || status == 401 || status == 403 || status == 408 || status == 429;
    return providers ? PROVIDER : CALLER;
  }
}
