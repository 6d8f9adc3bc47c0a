package dev.switchboard.routing;

import dev.switchboard.bus.Bus;
import dev.switchboard.config.RoutingSettings;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.config.CircuitBreakerSettings;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one owner of every deployment's runtime state (one per gateway, shared by all event loops):
 * what the strategies rank by, cooldowns and circuit breakers. Cooldowns are decided by
 * {@link Cooldowns} and announced on {@code router.cooldown} to every Router instance of every
 * node (a cluster-wide announcement), so they all hold the same ones. Every change of a deployment's health, cooldown
 * or circuit is told to {@link RouterMetrics} from here.
 */
public final class DeploymentStates {

  private static final Logger LOG = Logger.getLogger(DeploymentStates.class.getName());

  private volatile Map<String, DeploymentState> byId = Map.of();
  private volatile Map<String, Integer> groupSizes = Map.of();
  /** Deployments a reload removed while requests were still on them; dropped at the next reload once idle. */
  private final Map<String, DeploymentState> retired = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final LiveModels models;
  private final LongSupplier clock;
  private final RouterMetrics metrics;
  /** Decides, announces and applies cooldowns; this class owns the states they are set on. */
  private final Cooldowns cooldowns;

  /** @param bus where cooldowns are announced; null keeps them in this object alone (benchmarks, unit tests) */
  public DeploymentStates(Vertx vertx, Bus bus, ModelRegistry registry, RoutingSettings settings, LongSupplier clock) {
    this(vertx, bus, new LiveModels(registry, settings), clock, RouterMetrics.NONE);
  }

  public DeploymentStates(Vertx vertx, Bus bus, LiveModels models, LongSupplier clock, RouterMetrics metrics) {
    this.vertx = vertx;
    this.models = models;
    this.clock = clock;
    this.metrics = metrics;
    this.cooldowns = new Cooldowns(this, vertx, bus, metrics);
    adopt(models.current());
  }

  /**
   * Makes a state for every deployment of {@code next} before it is put in force: a deployment
   * whose id is unchanged keeps its state (cooldown, breaker, latency, requests in flight) and
   * takes the new definition; a removed one is retired, still found by the requests on it, and
   * dropped once idle. Breaker thresholds are those of the settings when the breaker was made.
   */
  synchronized void adopt(LiveModels.Snapshot next) {
    Breaker.Rule rule = rule(next.settings().breaker());
    Map<String, DeploymentState> states = new LinkedHashMap<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    ModelRegistry registry = next.registry();
    for (String name : registry.modelNames()) {
      ModelGroup group = registry.group(name);
      sizes.put(name, group.deployments().size());
      for (Deployment d : group.deployments()) {
        DeploymentState kept = byId.get(d.id());
        if (kept == null) {
          kept = retired.remove(d.id());
        }
        if (kept != null) {
          kept.deployment = d;
          states.put(d.id(), kept);
          continue;
        }
        states.put(d.id(), new DeploymentState(d, rule, this::breakerChanged));
      }
    }
    byId.forEach((id, state) -> {
      if (!states.containsKey(id)) {
        retired.put(id, state);
      }
    });
    retired.values().removeIf(state -> state.inFlight.get() == 0);
    groupSizes = Collections.unmodifiableMap(sizes);
    byId = Collections.unmodifiableMap(states);
  }

  /** The model list and settings in force. */
  public LiveModels models() {
    return models;
  }

  private static Breaker.Rule rule(CircuitBreakerSettings settings) {
    return new Breaker.Rule(settings.failureRatePercent() / 100, settings.minimumRequests(),
        Math.max(1, Math.round(settings.windowSeconds() * 1000)), Math.max(1, Math.round(settings.resetSeconds() * 1000)),
        Math.max(1, Math.round(settings.probeIntervalSeconds() * 1000)));
  }

  /** Runs holding the breaker's lock: touches only volatile fields, the metrics and a timer. */
  private void breakerChanged(DeploymentState state, Breaker.State breakerState, String why) {
    RouterMetrics.BreakerState shown = RouterMetrics.BreakerState.valueOf(breakerState.name());
    state.breakerChanged(shown);
    metrics.breakerState(state.deployment, shown);
    state.publish(metrics, now());
    Breaker.Rule rule = state.breaker.rule();
    switch (breakerState) {
      case OPEN -> {
        // A failed probe reopens it; in panic mode that is once per probe interval: not worth a warning each time.
        LOG.log(why.startsWith("its probe") ? Level.FINE : Level.WARNING, "Circuit opened for "
            + state.deployment.describe() + ": " + why + "; requests skip it for " + rule.resetMs() / 1000.0
            + " s, then one probe goes through (every " + rule.probeIntervalMs() / 1000.0
            + " s while its whole group is down and has no fallback)");
        if (metrics != RouterMetrics.NONE) {
          // The gauge shows half-open when the reset timeout ends, even with no request to notice it.
          vertx.setTimer(rule.resetMs() + 1, id -> state.breaker.state(now()));
        }
      }
      case CLOSED -> LOG.info("Circuit closed again for " + state.deployment.describe() + ": " + why);
      default -> { }
    }
  }

  RouterMetrics metrics() {
    return metrics;
  }

  public long now() {
    return clock.getAsLong();
  }

  public RoutingSettings settings() {
    return models.settings();
  }

  DeploymentState state(Deployment deployment) {
    return state(deployment.id());
  }

  DeploymentState state(String id) {
    DeploymentState state = byId.get(id);
    return state != null ? state : retired.get(id);
  }

  Iterable<DeploymentState> all() {
    return byId.values();
  }

  /** Neither cooling down nor behind an open circuit (nor half-open with its probe already out). */
  boolean available(DeploymentState state, long nowMs) {
    return !state.coolingDown(nowMs) && state.breaker.admits(nowMs);
  }

  /**
   * Counts a failed attempt and puts the deployment in cooldown when the failure calls for it:
   * {@code allowed_fails_policy} for its class when set; otherwise at once for a 429 or an
   * authentication error, and after more than {@code allowed_fails} failures in the minute for the
   * rest (timeouts, 5xx, connection errors). Errors of the request itself (400, 404, 422, context
   * window, content policy) are the caller's, not the deployment's. Groups of one deployment never
   * cool down: there is nothing else to send their traffic to.
   */
  void failed(Deployment deployment, GatewayError error) {
    cooldowns.failed(deployment, error);
  }

  /** A successful attempt; the state gauge hears of it only when it ends a partial outage. */
  void succeeded(DeploymentState state, long latencyNanos, long firstTokenNanos, long tokens) {
    boolean wasFailing = state.lastFailed();
    long now = now();
    state.succeeded(now, latencyNanos, firstTokenNanos, tokens);
    if (wasFailing) {
      state.publish(metrics, now);
    }
  }

  /**
   * A failed health probe is strong evidence: it counts like a failed request, and puts the
   * deployment in cooldown at once when its group has others to carry the traffic.
   */
  void failedProbe(Deployment deployment, GatewayError error) {
    cooldowns.failedProbe(deployment, error);
  }

  /** Cools the deployment down after a failure with {@code status}, and announces it. */
  void coolDown(DeploymentState state, String reason, int status, long now) {
    cooldowns.coolDown(state, reason, status, now);
  }

  /** An announced cooldown (from this gateway or, in a cluster, another). */
  void apply(Cooldown cooldown) {
    cooldowns.apply(cooldown);
  }

  /** Models with this many deployments (1 for an unknown one): a group of one never cools down. */
  int groupSize(String model) {
    return groupSizes.getOrDefault(model, 1);
  }

  /** Ends a deployment's cooldown and closes its circuit (the operator's reset); false for an unknown id. */
  public boolean reset(String id) {
    return cooldowns.reset(id);
  }

  /** Deployments neither cooling down nor behind an open circuit, nor failing their last health check. */
  public int healthyCount() {
    long now = now();
    int healthy = 0;
    for (DeploymentState state : byId.values()) {
      if (available(state, now) && !Boolean.FALSE.equals(state.healthy())) {
        healthy++;
      }
    }
    return healthy;
  }

  public int size() {
    return byId.size();
  }

  /** The state of one deployment, for tests and the admin API: CLOSED, OPEN or HALF_OPEN. */
  public String breakerState(String id) {
    return state(id).breaker.state(now()).name();
  }

  public boolean coolingDown(String id) {
    return state(id).coolingDown(now());
  }

  public int inFlight(String id) {
    return state(id).inFlight.get();
  }
}
