package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.bus.Addresses;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cooldowns (entry, announcement, exit) and circuit breakers (open, fast fail, half-open probe, closed, reset). */
@ExtendWith(VertxExtension.class)
class CooldownsAndBreakersTest {

  @RegisterExtension
  final Routed gw = new Routed();

  private static final String BOOM = "{\"error\":{\"message\":\"boom\"}}";

  private static final String TWO = """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/flaky, api_base: "$BASE", api_key: k}, model_info: {id: flaky}}
        - {model_name: chat, litellm_params: {model: openai/steady, api_base: "$BASE", api_key: k}, model_info: {id: steady}}
      """;

  @Test
  void a_429_cools_the_deployment_down_at_once_announces_it_and_it_comes_back_after_cooldown_time(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("flaky", Behaviour.error(429, "{\"error\":{\"message\":\"busy\"}}",
        Map.of()));
    Promise<Cooldown> announced = Promise.promise();
    gw.start(mock, TWO + "router_settings: {cooldown_time: 2, routing_strategy: least-busy}\n")
        .compose(g -> {
          gw.gateway().vertx().eventBus().<io.vertx.core.json.JsonObject>consumer(Addresses.ROUTER_COOLDOWN,
              message -> announced.tryComplete(Cooldown.from(message.body())));
          // Until flaky is picked once, every answer still comes from steady (the retry goes there).
          return chatUntilFlakyWasTried(30);
        })
        .compose(v -> announced.future())
        .compose(cooldown -> {
          ctx.verify(() -> {
            assertEquals("flaky", cooldown.deploymentId());
            assertTrue(cooldown.reason().startsWith("RateLimitError"), cooldown.reason());
            assertTrue(gw.states().coolingDown("flaky"));
          });
          long before = gw.received("flaky");
          return Future.all(gw.chat("chat"), gw.chat("chat"), gw.chat("chat")).map(all -> before);
        })
        .compose(before -> {
          ctx.verify(() -> assertEquals(before, gw.received("flaky"), "a cooling deployment is skipped"));
          return gw.get("/router/deployments", Routed.MASTER);
        })
        .compose(listing -> {
          ctx.verify(() -> {
            JsonObject flaky = deployment(listing.bodyAsJsonObject(), "flaky");
            assertTrue(flaky.getJsonObject("cooldown").getBoolean("active"));
            assertFalse(flaky.getBoolean("healthy"));
          });
          return Awaits.until(vertx, () -> !gw.states().coolingDown("flaky"), 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(2, gw.states().healthyCount());
          ctx.completeNow();
        })));
  }

  private Future<Void> chatUntilFlakyWasTried(int left) {
    if (gw.received("flaky") > 0 || left == 0) {
      return Future.succeededFuture();
    }
    return gw.chat("chat").compose(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return chatUntilFlakyWasTried(left - 1);
    });
  }

  @Test
  void server_errors_cool_down_only_after_more_than_allowed_fails_in_a_minute(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("flaky", Behaviour.error(500, BOOM, Map.of()));
    gw.start(mock, TWO + "router_settings: {allowed_fails: 2, cooldown_time: 60, num_retries: 0, "
        + "circuit_breaker: {failure_threshold: 1000}, fallbacks: []}\n")
        .compose(g -> {
          // Straight at the flaky deployment: the request's own fallbacks list is empty, retries off.
          DeploymentState flaky = gw.states().state("flaky");
          return failOnce(flaky).compose(v -> failOnce(flaky)).map(v -> {
            ctx.verify(() -> assertFalse(gw.states().coolingDown("flaky"), "2 failures are allowed"));
            return flaky;
          });
        })
        .compose(this::failOnce)
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(gw.states().coolingDown("flaky"), "the third failure in the minute is one too many");
          ctx.completeNow();
        })));
  }

  /** One failure of the deployment, as the attempt loop records it. */
  private Future<Void> failOnce(DeploymentState state) {
    gw.states().failed(state.deployment, dev.switchboard.errors.GatewayError.of(
        dev.switchboard.errors.ErrorClass.INTERNAL_SERVER, "upstream_server_error", "boom"));
    return Future.succeededFuture();
  }

  @Test
  void allowed_fails_policy_and_disable_cooldowns_are_honoured(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx);
    gw.start(mock, TWO + "router_settings: {allowed_fails_policy: {RateLimitErrorAllowedFails: 1}}\n")
        .onComplete(ctx.succeeding(g -> ctx.verify(() -> {
          dev.switchboard.errors.GatewayError limited = dev.switchboard.errors.GatewayError.of(
              dev.switchboard.errors.ErrorClass.RATE_LIMIT, "rate_limit_exceeded", "busy");
          DeploymentState flaky = gw.states().state("flaky");
          gw.states().failed(flaky.deployment, limited);
          assertFalse(gw.states().coolingDown("flaky"), "the policy allows one 429 in the minute");
          gw.states().failed(flaky.deployment, limited);
          assertTrue(gw.states().coolingDown("flaky"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_group_of_one_deployment_never_cools_down_and_disable_cooldowns_turns_them_off(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("only", Behaviour.error(429, "{\"error\":{\"message\":\"busy\"}}", Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: solo, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: only}}
          - {model_name: pair, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: p1}}
          - {model_name: pair, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: p2}}
        router_settings: {num_retries: 0, disable_cooldowns: true}
        """)
        .compose(g -> gw.chat("solo"))
        .compose(solo -> gw.chat("pair"))
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          assertEquals(429, pair.statusCode());
          assertFalse(gw.states().coolingDown("only"));
          assertFalse(gw.states().coolingDown("p1") || gw.states().coolingDown("p2"), "disable_cooldowns");
          ctx.completeNow();
        })));
  }

  @Test
  void a_breaker_opens_fails_fast_probes_half_open_and_closes_again(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("shaky", Behaviour.error(500, BOOM, Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/shaky, api_base: "$BASE", api_key: k}, model_info: {id: shaky}}
        router_settings: {num_retries: 0, circuit_breaker: {failure_threshold: 2, reset_timeout: 1}}
        """)
        .compose(g -> gw.chat("chat"))
        .compose(one -> gw.chat("chat"))
        // The breaker counts a failure on the next turn of the event loop, which may come after the answer.
        .compose(two -> Awaits.until(vertx, () -> "OPEN".equals(gw.states().breakerState("shaky")), 10_000))
        .compose(open -> gw.chat("chat"))
        .compose(fast -> {
          ctx.verify(() -> {
            assertEquals(503, fast.statusCode());
            assertEquals("circuit_open", fast.bodyAsJsonObject().getJsonObject("error").getString("code"));
            assertEquals(2, gw.received("shaky"), "an open circuit fails fast, without calling the provider");
          });
          mock.on("shaky", Behaviour.ok());
          return Awaits.until(vertx, () -> "HALF_OPEN".equals(gw.states().breakerState("shaky")), 10_000);
        })
        .compose(v -> gw.chat("chat"))
        .compose(probe -> {
          ctx.verify(() -> assertEquals(200, probe.statusCode(), probe.bodyAsString()));
          // Like the failures above, the probe's success is counted on the next turn of the loop.
          return Awaits.until(vertx, () -> "CLOSED".equals(gw.states().breakerState("shaky")), 10_000);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void the_breaker_guards_until_response_headers_so_a_stream_failing_midway_does_not_trip_it(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("midway", Behaviour.ok().withChunks(10, 0).abortingAfter(2));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/midway, api_base: "$BASE", api_key: k}, model_info: {id: midway}}
        router_settings: {circuit_breaker: {failure_threshold: 1}}
        """)
        .compose(g -> gw.chat(Routed.body("chat").put("stream", true)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          assertTrue(r.bodyAsString().contains("\"error\""), "the stream ends with an error event");
          assertEquals("CLOSED", gw.states().breakerState("midway"));
          ctx.completeNow();
        })));
  }

  @Test
  void deployments_are_listed_and_reset_by_the_master_key_only(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("flaky", Behaviour.error(401, "{\"error\":{\"message\":\"bad key\"}}",
        Map.of()));
    gw.start(mock, TWO + "router_settings: {cooldown_time: 600}\n")
        .compose(g -> {
          DeploymentState flaky = gw.states().state("flaky");
          flaky.breaker.trip(gw.states().now(), "test");
          gw.states().coolDown(flaky, "test", 500, gw.states().now());
          return gw.get("/router/deployments", null);
        })
        .compose(anonymous -> {
          ctx.verify(() -> assertEquals(401, anonymous.statusCode()));
          return gw.get("/router/deployments", Routed.MASTER);
        })
        .compose(listing -> {
          ctx.verify(() -> {
            JsonObject body = listing.bodyAsJsonObject();
            assertEquals(2, body.getInteger("total"));
            assertEquals(1, body.getInteger("healthy"));
            JsonObject flaky = deployment(body, "flaky");
            assertEquals("OPEN", flaky.getJsonObject("circuit_breaker").getString("state"));
            assertTrue(flaky.getJsonObject("cooldown").getBoolean("active"));
            assertFalse(listing.bodyAsString().contains("\"api_key\""), "no secrets");
            assertTrue(flaky.containsKey("in_flight") && flaky.containsKey("latency_ms"));
          });
          return gw.postAsMaster("/router/deployments/flaky/reset");
        })
        .compose(reset -> {
          ctx.verify(() -> {
            assertEquals(200, reset.statusCode(), reset.bodyAsString());
            assertEquals("CLOSED", gw.states().breakerState("flaky"));
            assertFalse(gw.states().coolingDown("flaky"));
          });
          return gw.postAsMaster("/router/deployments/nope/reset");
        })
        .onComplete(ctx.succeeding(missing -> ctx.verify(() -> {
          assertEquals(404, missing.statusCode());
          ctx.completeNow();
        })));
  }

  static JsonObject deployment(JsonObject listing, String id) {
    JsonArray all = listing.getJsonArray("deployments");
    for (int i = 0; i < all.size(); i++) {
      if (id.equals(all.getJsonObject(i).getString("model_id"))) {
        return all.getJsonObject(i);
      }
    }
    throw new AssertionError("no deployment " + id + " in " + listing.encode());
  }
}
