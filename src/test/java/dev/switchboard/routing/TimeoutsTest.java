package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each timeout, and which one fired. The mock holds its answers until the test ends (never
 * released), so only the gateway's own timers can end these requests.
 */
@ExtendWith(VertxExtension.class)
class TimeoutsTest {

  @RegisterExtension
  final Routed gw = new Routed();

  private Future<Routed> start(Vertx vertx, String yaml) {
    MockProvider mock = new MockProvider(vertx).on("trickle", Behaviour.ok().withChunks(3, 60_000));
    mock.hold("silent");
    return gw.start(mock, yaml);
  }

  private static String error(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> r) {
    return Routed.errorMessage(r);
  }

  @Test
  void a_deployment_timeout_answers_408_naming_timeout(Vertx vertx, VertxTestContext ctx) {
    start(vertx, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/silent, api_base: "$BASE", api_key: k, timeout: 0.2}}
        router_settings: {num_retries: 0}
        """)
        .compose(g -> gw.chat("chat"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(408, r.statusCode(), r.bodyAsString());
          assertTrue(error(r).contains("within 0.2 s (timeout fired)"), error(r));
          ctx.completeNow();
        })));
  }

  @Test
  void a_request_timeout_overrides_the_deployments(Vertx vertx, VertxTestContext ctx) {
    start(vertx, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/silent, api_base: "$BASE", api_key: k}}
        router_settings: {num_retries: 0}
        """)
        .compose(g -> gw.chat(Routed.body("chat").put("timeout", 0.25)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(408, r.statusCode(), r.bodyAsString());
          // The request's timeout is also its total: its first attempt gets what is left of it.
          assertTrue(error(r).matches(".* within 0\\.2\\d* s \\(timeout fired\\).*"), error(r));
          ctx.completeNow();
        })));
  }

  @Test
  void stream_timeout_bounds_the_wait_for_the_first_byte(Vertx vertx, VertxTestContext ctx) {
    start(vertx, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/silent, api_base: "$BASE", api_key: k, stream_timeout: 0.2}}
        router_settings: {num_retries: 0}
        """)
        .compose(g -> gw.chat(Routed.body("chat").put("stream", true)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(408, r.statusCode(), r.bodyAsString());
          assertTrue(error(r).contains("(stream_timeout fired)"), error(r));
          ctx.completeNow();
        })));
  }

  @Test
  void stream_timeout_bounds_the_silence_between_chunks(Vertx vertx, VertxTestContext ctx) {
    start(vertx, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/trickle, api_base: "$BASE", api_key: k}}
        router_settings: {stream_timeout: 0.3}
        """)
        .compose(g -> gw.chat(Routed.body("chat").put("stream", true)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          assertTrue(r.bodyAsString().contains("tok0"), r.bodyAsString());
          assertTrue(r.bodyAsString().contains("stream_timeout fired"), r.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void retries_never_stack_past_the_total_timeout(Vertx vertx, VertxTestContext ctx) {
    long[] started = new long[1];
    start(vertx, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/silent, api_base: "$BASE", api_key: k, timeout: 0.4}}
          - {model_name: chat, litellm_params: {model: openai/silent, api_base: "$BASE", api_key: k, timeout: 0.4}}
          - {model_name: chat, litellm_params: {model: openai/silent, api_base: "$BASE", api_key: k, timeout: 0.4}}
        router_settings: {num_retries: 10, timeout: 0.6, disable_cooldowns: true}
        """)
        .compose(g -> {
          started[0] = System.nanoTime();
          return gw.chat("chat");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          long elapsedMs = (System.nanoTime() - started[0]) / 1_000_000;
          assertEquals(408, r.statusCode(), r.bodyAsString());
          assertTrue(elapsedMs < 10_000, "bounded by the total, not 11 x 0.4 s: " + elapsedMs);
          assertTrue(gw.mock().received().size() <= 3, "the second attempt got only what was left of 0.6 s");
          ctx.completeNow();
        })));
  }
}
