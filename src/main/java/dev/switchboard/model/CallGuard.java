package dev.switchboard.model;

import dev.switchboard.errors.GatewayError;
import java.util.function.Consumer;

/**
 * The request's guardrails as the relay sees them: they read a stream's events as they go out, and
 * may cancel the provider call when a check running beside it blocks. Used on the request's event loop.
 */
public interface CallGuard {

  /** One framed answer event as the client will receive it; a non-null error ends the stream with it instead. */
  GatewayError onStreamEvent(String framed);

  /**
   * The provider call is under way: {@code cancel} stops it (resets the upstream request, or ends the
   * stream with an error event). Checks that run beside the call start now and call it if they block.
   */
  void providerCalled(Consumer<GatewayError> cancel);
}
