package dev.switchboard.routing;

import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;

/**
 * The router's admin endpoints, master key only: {@code GET /router/deployments} (each deployment's
 * health, cooldown, circuit, load and latency), {@code POST /router/deployments/{id}/reset}, and
 * {@code GET /health} (probe every deployment now, or the background checks' last report).
 */
public final class RoutingRoutes {

  private final DeploymentStates states;
  private final HealthChecks health;

  public RoutingRoutes(DeploymentStates states, HealthChecks health) {
    this.states = states;
    this.health = health;
  }

  public void mount(Router router) {
    router.get("/router/deployments").handler(AdminRoute.json(ctx -> Future.succeededFuture(deployments())));
    router.post("/router/deployments/:id/reset").handler(AdminRoute.json(ctx -> {
      String id = ctx.pathParam("id");
      if (!states.reset(id)) {
        return Future.failedFuture(GatewayError.notFound("deployment_not_found", "id", "No deployment '" + id
            + "'. GET /router/deployments lists their ids."));
      }
      return Future.succeededFuture(new JsonObject().put("id", id).put("reset", true)
          .put("deployment", deployment(states.state(id), states.now())));
    }));
    router.get("/health").handler(AdminRoute.json(ctx -> {
      JsonObject cached = health.last();
      boolean background = states.settings().backgroundHealthChecks();
      return background && cached != null ? Future.succeededFuture(cached) : health.probeAll();
    }));
  }

  JsonObject deployments() {
    long now = states.now();
    JsonArray list = new JsonArray();
    for (DeploymentState state : states.all()) {
      list.add(deployment(state, now));
    }
    return new JsonObject().put("routing_strategy", states.settings().strategy()).put("deployments", list)
        .put("healthy", states.healthyCount()).put("total", states.size());
  }

  private JsonObject deployment(DeploymentState state, long now) {
    JsonObject out = HealthChecks.describe(state.deployment)
        .put("weight", state.deployment.weight())
        .put("tags", new JsonArray(state.deployment.tags()))
        .put("healthy", states.available(state, now) && !Boolean.FALSE.equals(state.healthy()))
        .put("in_flight", state.inFlight.get())
        .put("latency_ms", round(state.latencyMs()))
        .put("time_to_first_token_ms", round(state.firstTokenMs()))
        .put("requests_this_minute", state.requestsThisMinute(now))
        .put("tokens_this_minute", state.tokensThisMinute(now))
        .put("failures_this_minute", state.failuresThisMinute(now))
        .put("successes", state.successes())
        .put("failures", state.failures())
        .put("last_error", state.lastError());
    if (state.deployment.order() != dev.switchboard.model.Deployment.NO_ORDER) {
      out.put("order", state.deployment.order());
    }
    boolean cooling = state.coolingDown(now);
    out.put("cooldown", new JsonObject().put("active", cooling)
        .put("until", cooling ? Instant.ofEpochMilli(state.cooldownUntilMs()).toString() : null)
        .put("reason", cooling ? state.cooldownReason() : null));
    out.put("circuit_breaker", new JsonObject().put("state", state.breaker.state(now).name())
        .put("failures", state.breaker.failureCount(now)));
    out.put("health_check", state.healthy() == null ? null : new JsonObject().put("healthy", state.healthy())
        .put("error", state.healthError()).put("checked_at", Instant.ofEpochMilli(state.checkedAtMs()).toString()));
    return out;
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
