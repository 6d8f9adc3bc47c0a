package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deployment bounds, the proxy-wide parallel limit and the queue's own limits (no keys: the master key calls). */
@ExtendWith(VertxExtension.class)
class DeploymentLimitsTest {

  private static final String MASTER = LimitCalls.MASTER;
  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private Future<Gateway> start(Vertx vertx, Function<MockProvider, String> config) {
    return gw.start(new MockProvider(vertx), config);
  }

  private Future<HttpResponse<Buffer>> chat(String model) {
    return LimitCalls.chat(gw.client(), gw.port(), MASTER, model, "Hi");
  }

  @Test
  void the_router_skips_a_saturated_deployment_and_a_saturated_group_queues_then_times_out(Vertx vertx,
      VertxTestContext ctx) {
    String[] first = new String[1];
    long minute = System.currentTimeMillis() / 60_000;
    start(vertx, m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/a, api_base: "%1$s", api_key: sk-up, rpm: 1}}
          - {model_name: chat, litellm_params: {model: openai/b, api_base: "%1$s", api_key: sk-up, rpm: 1}}
        router_settings: {queue_timeout: 0.2}
        general_settings: {master_key: %2$s}
        """.formatted(m.apiBase(), MASTER))
        .compose(started -> chat("chat"))
        .compose(one -> {
          first[0] = one.getHeader("x-litellm-model-id");
          return chat("chat");
        })
        .compose(two -> {
          ctx.verify(() -> {
            assertEquals(200, two.statusCode());
            assertNotEquals(first[0], two.getHeader("x-litellm-model-id"), "the deployment at its rpm is skipped");
          });
          return chat("chat");
        })
        .onComplete(ctx.succeeding(three -> ctx.verify(() -> {
          if (System.currentTimeMillis() / 60_000 != minute) {
            ctx.completeNow(); // the minute turned: both deployments had room again, nothing left to see
            return;
          }
          assertRateLimited(three, "queue_timeout", null);
          long sentAt = System.currentTimeMillis();
          long untilMinute = (60_000 - sentAt % 60_000 + 999) / 1000;
          long retryAfter = Long.parseLong(three.getHeader("Retry-After"));
          assertTrue(retryAfter <= untilMinute + 1, "the next rpm slot opens with the minute: " + retryAfter);
          assertEquals(1, gw.gateway().rateLimits().queues().timedOut());
          assertEquals(0, gw.gateway().rateLimits().queues().queueDepth());
          ctx.completeNow();
        })));
  }

  @Test
  void a_tenants_full_queue_answers_429_at_once_and_the_waiting_are_served_when_slots_free(Vertx vertx,
      VertxTestContext ctx) {
    Future<HttpResponse<Buffer>>[] pending = new Future[2];
    start(vertx, m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up, max_parallel_requests: 1}}
        router_settings: {queue_max_length: 1}
        general_settings: {master_key: %2$s}
        """.formatted(m.apiBase(), MASTER))
        .compose(started -> {
          gw.mock().hold("chat");
          pending[0] = chat("chat");
          return Awaits.until(vertx, () -> gw.mock().received().size() == 1, 10_000);
        })
        .compose(v -> {
          pending[1] = chat("chat");
          return Awaits.until(vertx, () -> gw.gateway().rateLimits().queues().queueDepth("chat") == 1, 10_000);
        })
        .compose(v -> chat("chat"))
        .compose(full -> {
          ctx.verify(() -> {
            assertRateLimited(full, "queue_max_length", null);
            assertEquals("1", full.getHeader("Retry-After"));
          });
          gw.mock().releaseHeld("chat");
          return Future.all(pending[0], pending[1]);
        })
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertEquals(200, pending[0].result().statusCode());
          assertEquals(200, pending[1].result().statusCode());
          FairQueues queues = gw.gateway().rateLimits().queues();
          assertEquals(1, queues.servedAfterWaiting());
          assertTrue(queues.totalWaitNanos() > 0 && queues.maxWaitNanos() <= queues.totalWaitNanos());
          assertEquals(1, queues.rejectedQueueFull());
          ctx.completeNow();
        })));
  }

  @Test
  void the_proxy_wide_parallel_limit_holds_for_every_caller(Vertx vertx, VertxTestContext ctx) {
    Future<HttpResponse<Buffer>>[] first = new Future[1];
    start(vertx, m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        general_settings: {master_key: %2$s, max_parallel_requests: 5, global_max_parallel_requests: 1}
        """.formatted(m.apiBase(), MASTER))
        .compose(started -> {
          gw.mock().hold("chat");
          first[0] = chat("chat");
          return Awaits.until(vertx, () -> gw.mock().received().size() == 1, 10_000);
        })
        .compose(v -> chat("chat"))
        .compose(second -> {
          ctx.verify(() -> assertRateLimited(second, "global_max_parallel_requests", null));
          gw.mock().releaseHeld("chat");
          return first[0];
        })
        .compose(answered -> LimitCalls.settled(vertx, gw.gateway()))
        .compose(v -> chat("chat"))
        .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
          assertEquals(200, third.statusCode(), "the slot came back");
          ctx.completeNow();
        })));
  }
}
