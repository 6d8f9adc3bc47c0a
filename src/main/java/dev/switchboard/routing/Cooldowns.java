package dev.switchboard.routing;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.RoutingSettings;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.Vertx;
import java.util.logging.Logger;

/**
 * Cooldowns of the deployments held in {@link DeploymentStates}: owns the decision to cool a
 * deployment down after a failure (the allowed-fails policy), its announcement on
 * {@code router.cooldown}, the applying of announced ones, and telling {@link RouterMetrics} when
 * the deployment rests and returns. One per {@link DeploymentStates}.
 */
final class Cooldowns {

  // The log category of the deployments' state, as before this class was split out of it.
  private static final Logger LOG = Logger.getLogger(DeploymentStates.class.getName());

  private final DeploymentStates states;
  private final Vertx vertx;
  private final Bus bus;
  private final RouterMetrics metrics;

  /** @param bus where cooldowns are announced; null keeps them in this gateway alone */
  Cooldowns(DeploymentStates states, Vertx vertx, Bus bus, RouterMetrics metrics) {
    this.states = states;
    this.vertx = vertx;
    this.bus = bus;
    this.metrics = metrics;
  }

  /** See {@link DeploymentStates#failed}. */
  void failed(Deployment deployment, GatewayError error) {
    RoutingSettings settings = states.settings();
    DeploymentState state = states.state(deployment);
    ErrorClass errorClass = error.errorClass();
    if (errorClass == ErrorClass.BAD_REQUEST || errorClass == ErrorClass.CONTEXT_WINDOW_EXCEEDED
        || errorClass == ErrorClass.CONTENT_POLICY_VIOLATION || errorClass == ErrorClass.UNPROCESSABLE_ENTITY) {
      return; // the request's fault, not the deployment's
    }
    long now = states.now();
    int count = state.failed(now, errorClass, error.getMessage());
    if (settings.disableCooldowns() || states.groupSize(deployment.modelGroup()) <= 1) {
      state.publish(metrics, now);
      return;
    }
    Integer allowed = settings.allowedFailsPolicy().get(errorClass.litellmName());
    if (allowed == null && errorClass.parent() != errorClass) {
      allowed = settings.allowedFailsPolicy().get(errorClass.parent().litellmName());
    }
    boolean coolDown;
    if (allowed != null) {
      coolDown = count > allowed;
    } else if (errorClass == ErrorClass.RATE_LIMIT || errorClass == ErrorClass.AUTHENTICATION
        || errorClass == ErrorClass.PERMISSION_DENIED) {
      coolDown = true;
    } else {
      coolDown = errorClass.transientByDefault() && state.failuresThisMinute(now) > settings.allowedFails();
    }
    if (coolDown) {
      coolDown(state, errorClass.litellmName() + ": " + error.getMessage(), error.status(), now);
    } else {
      state.publish(metrics, now);
    }
  }

  /** See {@link DeploymentStates#failedProbe}. */
  void failedProbe(Deployment deployment, GatewayError error) {
    RoutingSettings settings = states.settings();
    DeploymentState state = states.state(deployment);
    long now = states.now();
    state.failed(now, error.errorClass(), error.getMessage());
    if (!settings.disableCooldowns() && states.groupSize(deployment.modelGroup()) > 1) {
      coolDown(state, "health check failed: " + error.getMessage(), error.status(), now);
    } else {
      state.publish(metrics, now);
    }
  }

  /** Cools the deployment down after a failure with {@code status} (counted here, where it is decided, once per gateway). */
  void coolDown(DeploymentState state, String reason, int status, long now) {
    RoutingSettings settings = states.settings();
    long until = now + Math.round(settings.cooldownSeconds() * 1000);
    // Applied here at once, so this loop's next pick already skips it; the publish tells the others.
    state.coolDown(until, reason);
    metrics.cooledDown(state.deployment, status);
    resting(state, until, now);
    LOG.info("Cooling down " + state.deployment.describe() + " for " + settings.cooldownSeconds() + " s: " + reason);
    if (bus != null) {
      bus.announce(Addresses.ROUTER_COOLDOWN, new Cooldown(state.deployment.id(), until, reason).toJson());
    }
  }

  /** An announced cooldown (from this gateway or, in a cluster, another). */
  void apply(Cooldown cooldown) {
    DeploymentState state = states.state(cooldown.deploymentId());
    if (state == null) {
      return;
    }
    if (cooldown.untilEpochMs() == 0) {
      state.reset();
      state.publish(metrics, states.now());
    } else {
      if (state.coolDown(cooldown.untilEpochMs(), cooldown.reason())) { // not this gateway's own, heard back
        resting(state, cooldown.untilEpochMs(), states.now());
      }
    }
  }

  /** Shows the outage now, and the deployment's return when the cooldown ends (a later cooldown sets its own timer). */
  private void resting(DeploymentState state, long untilMs, long now) {
    state.publish(metrics, now);
    if (metrics != RouterMetrics.NONE && untilMs > now) {
      vertx.setTimer(untilMs - now + 1, id -> state.publish(metrics, states.now()));
    }
  }

  /** See {@link DeploymentStates#reset}. */
  boolean reset(String id) {
    DeploymentState state = states.state(id);
    if (state == null) {
      return false;
    }
    state.reset();
    state.publish(metrics, states.now());
    if (bus != null) {
      bus.announce(Addresses.ROUTER_COOLDOWN, new Cooldown(id, 0, "reset").toJson());
    }
    return true;
  }
}
