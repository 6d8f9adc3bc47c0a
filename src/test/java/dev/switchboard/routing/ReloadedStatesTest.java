package dev.switchboard.routing;

import dev.switchboard.model.DeploymentGate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.model.PriceBook;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a reload keeps of the deployments' state, and what it lets go. */
class ReloadedStatesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static GatewayConfig config(String strategy, String... ids) {
    StringBuilder yaml = new StringBuilder("model_list:\n");
    for (String id : ids) {
      yaml.append("  - {model_name: chat, litellm_params: {model: openai/").append(id)
          .append(", api_base: 'http://127.0.0.1:9/v1', api_key: k-").append(strategy).append("}, model_info: {id: ")
          .append(id).append("}}\n");
    }
    yaml.append("router_settings: {routing_strategy: ").append(strategy).append("}\n");
    return new ConfigLoader(name -> null).parse(yaml.toString(), "test.yaml");
  }

  private static void apply(Routing routing, GatewayConfig config) {
    routing.apply(ModelRegistry.from(config), config.router().routing());
  }

  @Test
  void a_kept_deployment_keeps_its_state_and_takes_its_new_definition_and_a_removed_one_is_retired_until_idle() {
    GatewayConfig first = config("simple-shuffle", "a", "b");
    Routing routing = new Routing(vertx, null, new LiveModels(ModelRegistry.from(first), first.router().routing()),
        first, DeploymentGate.UNBOUNDED, PriceBook.shipped(), RouterMetrics.NONE);
    DeploymentStates states = routing.states();
    DeploymentState a = states.state("a");
    states.coolDown(a, "test", 429, states.now());
    states.state("b").inFlight.incrementAndGet();

    apply(routing, config("least-busy", "a", "c"));

    assertSame(a, states.state("a"), "same id, same state");
    assertTrue(states.coolingDown("a"), "its cooldown survives the reload");
    assertEquals("k-least-busy", a.deployment.apiKey().value(), "and it takes its new definition");
    assertEquals("least-busy", states.settings().strategy());
    assertNotNull(states.state("c"));
    assertNotNull(states.state("b"), "a request in flight on a removed deployment still finds its state");
    assertEquals(2, states.size());

    states.state("b").inFlight.decrementAndGet();
    apply(routing, config("least-busy", "a", "c"));
    assertNull(states.state("b"), "dropped once idle");
  }
}
