package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /health, background health checks, readiness, and de-duplication of identical concurrent requests. */
@ExtendWith(VertxExtension.class)
class HealthAndDedupTest {

  private static final String TWO = """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/fine, api_base: "$BASE", api_key: sk-upstream-secret-0123456789}, model_info: {id: fine}}
        - {model_name: chat, litellm_params: {model: openai/locked, api_base: "$BASE", api_key: sk-upstream-secret-0123456789}, model_info: {id: locked}}
      """;
  @RegisterExtension
  final Routed gw = new Routed();

  private static MockProvider mock(Vertx vertx) {
    return new MockProvider(vertx).on("locked", Behaviour.error(401,
        "{\"error\":{\"message\":\"Incorrect API key provided: sk-upstream-secret-0123456789\"}}", Map.of()));
  }

  @Test
  void health_probes_every_deployment_and_lists_healthy_and_unhealthy_without_secrets(Vertx vertx,
      VertxTestContext ctx) {
    gw.start(mock(vertx), TWO)
        .compose(g -> gw.get("/health", null))
        .compose(anonymous -> {
          ctx.verify(() -> assertEquals(401, anonymous.statusCode()));
          return gw.get("/health", Routed.MASTER);
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          JsonObject health = r.bodyAsJsonObject();
          assertEquals(1, health.getInteger("healthy_count"));
          assertEquals(1, health.getInteger("unhealthy_count"));
          JsonObject fine = health.getJsonArray("healthy_endpoints").getJsonObject(0);
          assertEquals("openai/fine", fine.getString("model"));
          assertEquals("chat", fine.getString("model_name"));
          JsonObject locked = health.getJsonArray("unhealthy_endpoints").getJsonObject(0);
          assertEquals("locked", locked.getString("model_id"));
          assertTrue(locked.getString("error").contains("Incorrect API key provided"), locked.encode());
          assertFalse(r.bodyAsString().contains("sk-upstream-secret"), "no key, in params or in errors: " + r.bodyAsString());
          assertFalse(r.bodyAsString().contains("api_key"));
          assertEquals(1, gw.received("fine"));
          assertEquals(1, gw.mock().last().body().getInteger("max_tokens"), "a minimal request");
          assertTrue(gw.states().coolingDown("locked"), "a failed probe cools the deployment down");
          ctx.completeNow();
        })));
  }

  @Test
  void background_checks_run_at_start_feed_cooldowns_and_readiness_counts_healthy_deployments(Vertx vertx,
      VertxTestContext ctx) {
    gw.start(mock(vertx), TWO,
            "background_health_checks: true, health_check_interval: 3600")
        .compose(g -> Awaits.until(vertx, () -> gw.gateway().routing().health().last() != null, 10_000))
        .compose(v -> gw.get("/health/readiness", null))
        .compose(ready -> {
          ctx.verify(() -> {
            JsonObject body = ready.bodyAsJsonObject();
            assertEquals(200, ready.statusCode());
            assertEquals(2, body.getInteger("deployments"));
            assertEquals(1, body.getInteger("healthy_deployments"));
            assertEquals("not configured", body.getString("redis"));
            assertNull(body.getValue("cache"));
            assertEquals("Not connected", body.getString("db"));
          });
          return gw.get("/health", Routed.MASTER);
        })
        .onComplete(ctx.succeeding(cached -> ctx.verify(() -> {
          assertEquals(1, cached.bodyAsJsonObject().getInteger("unhealthy_count"));
          assertEquals(1, gw.received("fine"), "/health answers from the background round, probing nothing again");
          ctx.completeNow();
        })));
  }

  @Test
  void identical_concurrent_requests_of_one_key_share_one_upstream_call_and_each_is_answered(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx);
    mock.hold("same");
    Future<HttpResponse<Buffer>>[] calls = new Future[3];
    gw.start(mock, """
            model_list:
              - {model_name: same, litellm_params: {model: openai/same, api_base: "$BASE", api_key: k}, model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.001}}
            """, "enable_request_deduplication: true")
        .compose(g -> {
          calls[0] = gw.chat("same");
          return Awaits.until(vertx, () -> mock.received().size() == 1, 10_000);
        })
        .compose(v -> {
          calls[1] = gw.chat("same");
          calls[2] = gw.chat(Routed.body("same").put("temperature", 0.5)); // a different body: its own call
          return Awaits.until(vertx, () -> gw.gateway().routing().calls().deduplicated() == 1
              && mock.received().size() == 2, 10_000);
        })
        .compose(v -> {
          mock.releaseHeld("same");
          return Future.all(calls[0], calls[1], calls[2]);
        })
        .compose(all -> Awaits.until(vertx, () -> gw.gateway().ledger().totals("same").requests() == 3, 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          for (Future<HttpResponse<Buffer>> call : calls) {
            assertEquals(200, call.result().statusCode(), call.result().bodyAsString());
            assertTrue(call.result().bodyAsString().contains("Hello from same"));
          }
          assertEquals(calls[0].result().bodyAsString(), calls[1].result().bodyAsString());
          assertEquals(2, mock.received().size(), "two identical requests, one upstream call");
          assertEquals(calls[0].result().getHeader("x-litellm-response-cost"),
              calls[1].result().getHeader("x-litellm-response-cost"), "each is charged");
          ctx.completeNow();
        })));
  }
}
