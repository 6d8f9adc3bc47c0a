package dev.switchboard.routing;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.RelayResult;

/**
 * What one attempt tells its deployment's health, and the one place that decides it. The breaker
 * hears a success at the response headers (a long stream is a success from its first byte) and a
 * failure when the provider failed in a way that trips it; cooldowns, the health state and the
 * latency averages hear the rest. Only the provider's own failures count ({@link Blame}); an
 * attempt whose client left is neither a success nor a failure. Lives on the request's event loop.
 */
final class AttemptVerdict {

  private final DeploymentStates states;
  private final DeploymentState state;
  private final Breaker.Permit permit;
  private boolean breakerTold;

  AttemptVerdict(DeploymentStates states, DeploymentState state, Breaker.Permit permit) {
    this.states = states;
    this.state = state;
    this.permit = permit;
  }

  /** The provider's response headers arrived with {@code status}. */
  void responded(int status) {
    if (status / 100 == 2 && !breakerTold) {
      breakerTold = true;
      state.breaker.record(permit, states.now(), false);
    }
  }

  /**
   * The attempt ended with {@code result} or {@code error}.
   *
   * @param firstTokenNanos time to the first streamed byte of this attempt, or 0
   */
  void ended(RelayResult result, GatewayError error, long latencyNanos, long firstTokenNanos) {
    Blame blame = error == null ? null : Blame.of(error);
    if (!breakerTold) {
      breakerTold = true;
      if (blame == Blame.PROVIDER && tripsBreaker(error)) {
        state.breaker.record(permit, states.now(), true);
      } else {
        state.breaker.cancelled(permit); // the client left, or an error that is not the provider failing: no verdict
      }
    }
    if (error != null) {
      if (blame == Blame.PROVIDER) {
        states.failed(state.deployment, error);
      }
    } else if (result.streamError() != null) {
      states.failed(state.deployment, result.streamError());
    } else if (!result.clientGone()) {
      states.succeeded(state, latencyNanos, firstTokenNanos, result.usage() == null ? 0 : result.usage().totalTokens());
    }
  }

  /** Timeouts, 5xx and connection errors trip the circuit; 429s go to cooldowns instead. */
  private static boolean tripsBreaker(GatewayError error) {
    ErrorClass errorClass = error.errorClass();
    return errorClass.transientByDefault() && errorClass != ErrorClass.RATE_LIMIT;
  }
}
