package dev.switchboard.routing;

import dev.switchboard.model.Deployment;

/**
 * What the router tells /metrics about deployments: their health, cooldowns, fallbacks and
 * circuit breakers. Thread-safe; every method is cheap enough to call on the request path.
 * {@link #NONE} ignores everything (unit tests, benchmarks).
 */
public interface RouterMetrics {

  /** LiteLLM's {@code litellm_deployment_state} values. */
  enum DeploymentState {
    HEALTHY(0), PARTIAL_OUTAGE(1), OUTAGE(2);

    public final int value;

    DeploymentState(int value) {
      this.value = value;
    }
  }

  /** A circuit breaker's state, exported as 0 closed, 1 half-open, 2 open. */
  enum BreakerState {
    CLOSED(0), HALF_OPEN(1), OPEN(2);

    public final int value;

    BreakerState(int value) {
      this.value = value;
    }
  }

  RouterMetrics NONE = new RouterMetrics() {
    @Override
    public void deploymentState(Deployment deployment, DeploymentState state) {
    }

    @Override
    public void cooledDown(Deployment deployment, int exceptionStatus) {
    }

    @Override
    public void fallback(String requestedModel, String fallbackModel, boolean succeeded, int exceptionStatus,
        String exceptionClass, String keyAlias, String team) {
    }

    @Override
    public void breakerState(Deployment deployment, BreakerState state) {
    }

    @Override
    public void attempt(Deployment deployment, boolean succeeded, int status, String exceptionClass, String keyAlias,
        String team) {
    }
  };

  /** {@code litellm_deployment_state}: healthy, partial outage (some calls failing) or outage (cooled down / open). */
  void deploymentState(Deployment deployment, DeploymentState state);

  /** {@code litellm_deployment_cooled_down}: the router took the deployment out of rotation after {@code exceptionStatus}. */
  void cooledDown(Deployment deployment, int exceptionStatus);

  /**
   * {@code litellm_deployment_successful_fallbacks} / {@code litellm_deployment_failed_fallbacks}: a
   * request for {@code requestedModel} went to the group {@code fallbackModel} after the primary
   * failed with {@code exceptionStatus} / {@code exceptionClass} (the error type, e.g. {@code rate_limit_error}).
   */
  void fallback(String requestedModel, String fallbackModel, boolean succeeded, int exceptionStatus,
      String exceptionClass, String keyAlias, String team);

  /** {@code switchboard_circuit_breaker_state}. */
  void breakerState(Deployment deployment, BreakerState state);

  /**
   * {@code litellm_deployment_success_responses} / {@code litellm_deployment_failure_responses} and
   * {@code litellm_deployment_total_requests}: one call to {@code deployment} (a request that retries
   * calls several), failed with {@code status} and error type {@code exceptionClass} when not {@code succeeded}.
   */
  void attempt(Deployment deployment, boolean succeeded, int status, String exceptionClass, String keyAlias,
      String team);
}
