package dev.switchboard.routing;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.model.Deployment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router knows about one deployment: requests in flight, moving averages of latency and
 * time to first token, this minute's use and failures, its cooldown, its circuit breaker and its
 * last health check. Thread-safe (a request on any event loop updates it); owned by
 * {@link DeploymentStates}.
 */
final class DeploymentState {

  /** Weight of the newest sample in the latency moving averages. */
  private static final double ALPHA = 0.3;

  /** The deployment as last defined (a reload may redefine it under the same id). */
  volatile Deployment deployment;
  final Breaker breaker;
  final AtomicInteger inFlight = new AtomicInteger();

  private double latencyMs;
  private double firstTokenMs;
  private long samples;
  private long minute = -1;
  private int requestsThisMinute;
  private long tokensThisMinute;
  private final int[] failuresThisMinute = new int[ErrorClass.values().length];
  private long successes;
  private long failures;

  private volatile long cooldownUntilMs;
  private volatile String cooldownReason;
  private volatile String lastError;
  private volatile Boolean healthy;
  private volatile String healthError;
  private volatile long checkedAtMs;
  /** The last attempt failed and no cooldown has absorbed it yet: a partial outage. */
  private volatile boolean lastFailed;
  /** Kept from the breaker's handlers, so publishing the state never takes the breaker's lock. */
  private volatile RouterMetrics.BreakerState breakerState = RouterMetrics.BreakerState.CLOSED;
  /** Orders the publications of this deployment's health (its own lock: the breaker calls in holding its lock). */
  private final Object publishing = new Object();

  /** Told every change of this deployment's circuit (see {@link Breaker.Listener}). */
  interface BreakerListener {
    void changed(DeploymentState state, Breaker.State breakerState, String why);
  }

  DeploymentState(Deployment deployment, Breaker.Rule rule, BreakerListener listener) {
    this.deployment = deployment;
    this.breaker = new Breaker(rule, (breakerState, why) -> listener.changed(this, breakerState, why));
  }

  boolean coolingDown(long nowMs) {
    return cooldownUntilMs > nowMs;
  }

  long cooldownUntilMs() {
    return cooldownUntilMs;
  }

  /**
   * Takes the later of the current and the announced end (announcements may arrive twice or out of
   * order); true when this moved the end.
   */
  synchronized boolean coolDown(long untilMs, String reason) {
    if (untilMs > cooldownUntilMs) {
      cooldownUntilMs = untilMs;
      cooldownReason = reason;
      lastFailed = false; // the cooldown answers for the failure; back from it, the deployment starts healthy
      return true;
    }
    return false;
  }

  /** Ends the cooldown and clears this minute's failures and the breaker. */
  synchronized void reset() {
    cooldownUntilMs = 0;
    cooldownReason = null;
    lastFailed = false;
    java.util.Arrays.fill(failuresThisMinute, 0);
    breaker.reset();
  }

  void breakerChanged(RouterMetrics.BreakerState state) {
    breakerState = state;
  }

  /**
   * LiteLLM's {@code litellm_deployment_state}: an outage while cooling down or behind an open
   * circuit, partial while its last attempt failed or its circuit is being probed, else healthy.
   */
  RouterMetrics.DeploymentState health(long nowMs) {
    if (coolingDown(nowMs) || breakerState == RouterMetrics.BreakerState.OPEN) {
      return RouterMetrics.DeploymentState.OUTAGE;
    }
    return lastFailed || breakerState == RouterMetrics.BreakerState.HALF_OPEN
        ? RouterMetrics.DeploymentState.PARTIAL_OUTAGE : RouterMetrics.DeploymentState.HEALTHY;
  }

  /** Tells {@code metrics} this deployment's health now; publications of one deployment never overtake each other. */
  void publish(RouterMetrics metrics, long nowMs) {
    synchronized (publishing) {
      metrics.deploymentState(deployment, health(nowMs));
    }
  }

  /** Whether the last attempt failed (a success after it is news for the state gauge). */
  boolean lastFailed() {
    return lastFailed;
  }

  synchronized void started(long nowMs) {
    roll(nowMs);
    requestsThisMinute++;
  }

  /** @param firstTokenNanos time to the first streamed byte of this attempt, or 0 for a whole answer */
  synchronized void succeeded(long nowMs, long latencyNanos, long firstTokenNanos, long tokens) {
    roll(nowMs);
    tokensThisMinute += tokens;
    successes++;
    lastFailed = false;
    double ms = latencyNanos / 1e6;
    latencyMs = samples == 0 ? ms : latencyMs + ALPHA * (ms - latencyMs);
    if (firstTokenNanos > 0) {
      double first = firstTokenNanos / 1e6;
      firstTokenMs = firstTokenMs == 0 ? first : firstTokenMs + ALPHA * (first - firstTokenMs);
    }
    samples++;
  }

  /** Counts a failure of this class in this minute; returns how many of its class the minute holds now. */
  synchronized int failed(long nowMs, ErrorClass errorClass, String message) {
    roll(nowMs);
    failures++;
    lastError = message;
    lastFailed = true;
    return ++failuresThisMinute[errorClass.ordinal()];
  }

  synchronized int failuresThisMinute(long nowMs) {
    roll(nowMs);
    int total = 0;
    for (int count : failuresThisMinute) {
      total += count;
    }
    return total;
  }

  private void roll(long nowMs) {
    long current = nowMs / 60_000;
    if (current != minute) {
      minute = current;
      requestsThisMinute = 0;
      tokensThisMinute = 0;
      java.util.Arrays.fill(failuresThisMinute, 0);
    }
  }

  /** Latency in ms to rank by (time to first token for streams when known); 0 when never measured. */
  synchronized double latencyForRanking(boolean stream) {
    return stream && firstTokenMs > 0 ? firstTokenMs : latencyMs;
  }

  /** Use of this minute against the deployment's tpm (else rpm); raw tokens, scaled small, when it has neither. */
  synchronized double usage(long nowMs) {
    roll(nowMs);
    if (deployment.tpm() != null && deployment.tpm() > 0) {
      return (double) tokensThisMinute / deployment.tpm();
    }
    if (deployment.rpm() != null && deployment.rpm() > 0) {
      return (double) requestsThisMinute / deployment.rpm();
    }
    return tokensThisMinute / 1e12;
  }

  void checked(long nowMs, boolean ok, String error) {
    healthy = ok;
    healthError = error;
    checkedAtMs = nowMs;
  }

  Boolean healthy() {
    return healthy;
  }

  String healthError() {
    return healthError;
  }

  long checkedAtMs() {
    return checkedAtMs;
  }

  String cooldownReason() {
    return cooldownReason;
  }

  String lastError() {
    return lastError;
  }

  synchronized long successes() {
    return successes;
  }

  synchronized long failures() {
    return failures;
  }

  synchronized double latencyMs() {
    return latencyMs;
  }

  synchronized double firstTokenMs() {
    return firstTokenMs;
  }

  synchronized int requestsThisMinute(long nowMs) {
    roll(nowMs);
    return requestsThisMinute;
  }

  synchronized long tokensThisMinute(long nowMs) {
    roll(nowMs);
    return tokensThisMinute;
  }
}
