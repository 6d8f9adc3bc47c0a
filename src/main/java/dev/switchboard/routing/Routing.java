package dev.switchboard.routing;

import dev.switchboard.bus.Bus;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.metrics.RouterMetrics;
import dev.switchboard.spend.PriceBook;
import io.vertx.core.Vertx;

/**
 * The routing stage's shared services, one of each per gateway: deployment states (cooldowns,
 * breakers, load, latency), the router, the attempt loop's entry and the health checks.
 */
public final class Routing {

  private final DeploymentStates states;
  private final Router router;
  private final CallRouter calls;
  private final HealthChecks health;
  private final RoutingRoutes routes;

  public Routing(Vertx vertx, Bus bus, ModelRegistry registry, GatewayConfig config, DeploymentGate gate,
      PriceBook prices, RouterMetrics metrics) {
    this.states = new DeploymentStates(vertx, bus, registry, config.router().routing(), System::currentTimeMillis,
        metrics);
    this.router = new Router(registry, gate, states, prices);
    this.calls = new CallRouter(vertx, bus, router, config.litellm().requestTimeout());
    this.health = new HealthChecks(bus, states);
    this.routes = new RoutingRoutes(bus, states, health);
  }

  public DeploymentStates states() {
    return states;
  }

  public Router router() {
    return router;
  }

  public CallRouter calls() {
    return calls;
  }

  public HealthChecks health() {
    return health;
  }

  public RoutingRoutes routes() {
    return routes;
  }
}
