package dev.switchboard.routing;

import dev.switchboard.model.DeploymentGate;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.RoutingSettings;
import dev.switchboard.model.PriceBook;
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
  private final PriceBook prices;

  public Routing(Vertx vertx, Bus bus, LiveModels models, GatewayConfig config, DeploymentGate gate,
      PriceBook prices, RouterMetrics metrics) {
    this.prices = prices;
    this.states = new DeploymentStates(vertx, bus, models, System::currentTimeMillis, metrics);
    this.router = new Router(gate, states);
    this.calls = new CallRouter(vertx, bus, router, config.litellm().requestTimeout());
    this.health = new HealthChecks(bus, states);
    this.routes = new RoutingRoutes(states, health);
  }

  /**
   * Puts a new model list and routing settings (and its deployments' prices) in force: the
   * deployment states are made ready first, then the one reference is swapped. Requests in flight
   * finish on the snapshot they started with.
   */
  public synchronized void apply(ModelRegistry registry, RoutingSettings settings) {
    LiveModels.Snapshot next = LiveModels.Snapshot.of(registry, settings, prices);
    states.adopt(next);
    states.models().swap(next);
  }

  public LiveModels models() {
    return states.models();
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
