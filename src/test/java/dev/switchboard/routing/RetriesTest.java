package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries: how many, to which deployment, after how long, for which errors; streams only before their first byte. */
@ExtendWith(VertxExtension.class)
class RetriesTest {

  @RegisterExtension
  final Routed gw = new Routed();

  private static final String BOOM = "{\"error\":{\"message\":\"boom\"}}";

  @Test
  void a_failed_attempt_is_retried_at_once_on_another_deployment_and_the_client_never_sees_the_failure(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("bad", Behaviour.error(500, BOOM, Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/bad, api_base: "$BASE", api_key: k}, model_info: {id: bad}}
          - {model_name: chat, litellm_params: {model: openai/good, api_base: "$BASE", api_key: k}, model_info: {id: good}}
        router_settings: {disable_cooldowns: true, circuit_breaker: {failure_threshold: 1000}}
        """)
        .compose(g -> {
          List<Future<?>> calls = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            calls.add(gw.chat("chat").onSuccess(r -> ctx.verify(() -> {
              assertEquals(200, r.statusCode(), r.bodyAsString());
              assertEquals("good", r.getHeader("x-litellm-model-id"));
            })));
          }
          return Future.all(calls);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(20, gw.received("good"));
          assertTrue(gw.received("bad") > 0, "the bad deployment was tried (and failed over)");
          ctx.completeNow();
        })));
  }

  @Test
  void num_retries_bounds_the_attempts_then_the_error_says_no_fallback_is_configured(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("bad", Behaviour.error(500, BOOM, Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/bad, api_base: "$BASE", api_key: k}}
        router_settings: {num_retries: 3, circuit_breaker: {failure_threshold: 1000}}
        """)
        .compose(g -> gw.chat("chat"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(500, r.statusCode());
          assertEquals(4, gw.received("bad"), "one attempt and three retries");
          assertEquals("3", r.getHeader("x-litellm-attempted-retries"));
          String message = Routed.errorMessage(r);
          assertTrue(message.startsWith("no fallback configured for model group chat (fallbacks: []); last error: "), message);
          assertTrue(message.contains("boom"), message);
          ctx.completeNow();
        })));
  }

  @Test
  void the_retry_policy_sets_retries_per_error_class_and_a_request_may_set_its_own(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx)
        .on("limited", Behaviour.error(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("retry-after-ms", "1")))
        .on("bad", Behaviour.error(500, BOOM, Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: limited, litellm_params: {model: openai/limited, api_base: "$BASE", api_key: k}}
          - {model_name: bad, litellm_params: {model: openai/bad, api_base: "$BASE", api_key: k}}
        router_settings:
          num_retries: 1
          retry_policy: {RateLimitErrorRetries: 4, InternalServerErrorRetries: 0}
          circuit_breaker: {failure_threshold: 1000}
        """)
        .compose(g -> gw.chat("limited"))
        .compose(limited -> {
          ctx.verify(() -> {
            assertEquals(429, limited.statusCode());
            assertEquals(5, gw.received("limited"));
          });
          return gw.chat("bad");
        })
        .compose(bad -> {
          ctx.verify(() -> assertEquals(1, gw.received("bad"), "InternalServerErrorRetries: 0"));
          return gw.chat(Routed.body("bad").put("num_retries", 2));
        })
        .onComplete(ctx.succeeding(bad -> ctx.verify(() -> {
          assertEquals(1 + 1, gw.received("bad"), "the policy wins over the request's num_retries for its class");
          ctx.completeNow();
        })));
  }

  @Test
  void the_request_num_retries_and_the_deployment_max_retries_set_the_count_for_retryable_errors(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("bad", Behaviour.error(503, BOOM, Map.of()))
        .on("capped", Behaviour.error(503, BOOM, Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: bad, litellm_params: {model: openai/bad, api_base: "$BASE", api_key: k}}
          - {model_name: capped, litellm_params: {model: openai/capped, api_base: "$BASE", api_key: k, max_retries: 1}}
        router_settings: {num_retries: 0, circuit_breaker: {failure_threshold: 1000}}
        """)
        .compose(g -> gw.chat(Routed.body("bad").put("num_retries", 2)))
        .compose(bad -> {
          ctx.verify(() -> {
            assertEquals(503, bad.statusCode());
            assertEquals(3, gw.received("bad"));
          });
          return gw.chat("capped");
        })
        .onComplete(ctx.succeeding(capped -> ctx.verify(() -> {
          assertEquals(2, gw.received("capped"));
          ctx.completeNow();
        })));
  }

  @Test
  void errors_of_the_request_itself_are_never_retried(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("picky", Behaviour.error(400,
        "{\"error\":{\"message\":\"bad param\",\"type\":\"invalid_request_error\"}}", Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: picky, litellm_params: {model: openai/picky, api_base: "$BASE", api_key: k}}
        router_settings: {num_retries: 3}
        """)
        .compose(g -> gw.chat("picky"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(400, r.statusCode());
          assertEquals(1, gw.received("picky"));
          assertTrue(Routed.errorMessage(r).contains("bad param"), "a 400 is the caller's to fix: no fallback note");
          assertTrue(!Routed.errorMessage(r).contains("fallback"));
          ctx.completeNow();
        })));
  }

  @Test
  void retry_after_is_honoured_before_retrying_the_same_deployment_and_one_past_the_cap_is_not_waited_for(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx)
        .on("brief", Behaviour.error(429, "{\"error\":{\"message\":\"wait\"}}", Map.of("retry-after-ms", "400")))
        .on("long", Behaviour.error(429, "{\"error\":{\"message\":\"wait\"}}", Map.of("retry-after", "30")));
    long[] started = new long[1];
    gw.start(mock, """
        model_list:
          - {model_name: brief, litellm_params: {model: openai/brief, api_base: "$BASE", api_key: k}}
          - {model_name: long, litellm_params: {model: openai/long, api_base: "$BASE", api_key: k}}
        router_settings: {num_retries: 1, max_retry_after: 5}
        """)
        .compose(g -> {
          started[0] = System.nanoTime();
          return gw.chat("brief");
        })
        .compose(brief -> {
          long elapsedMs = (System.nanoTime() - started[0]) / 1_000_000;
          ctx.verify(() -> {
            assertEquals(429, brief.statusCode());
            assertEquals(2, gw.received("brief"));
            assertTrue(elapsedMs >= 400, "waited the provider's retry-after-ms before the retry: " + elapsedMs);
          });
          return gw.chat("long");
        })
        .onComplete(ctx.succeeding(longWait -> ctx.verify(() -> {
          assertEquals(429, longWait.statusCode());
          assertEquals(1, gw.received("long"), "30 s is past max_retry_after: the client is told at once");
          assertEquals("30", longWait.getHeader("Retry-After"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_stream_is_retried_before_its_first_byte_and_the_client_sees_one_clean_stream(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("bad", Behaviour.error(503, BOOM, Map.of()))
        .on("good", Behaviour.ok().withChunks(3, 0));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/bad, api_base: "$BASE", api_key: k}, model_info: {id: bad}}
          - {model_name: chat, litellm_params: {model: openai/good, api_base: "$BASE", api_key: k}, model_info: {id: good}}
        router_settings: {disable_cooldowns: true, num_retries: 1, circuit_breaker: {failure_threshold: 1000}}
        """)
        .compose(g -> {
          List<Future<Buffer>> streams = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            streams.add(stream(vertx, Routed.body("chat").put("stream", true)));
          }
          return Future.all(streams).map(all -> streams);
        })
        .onComplete(ctx.succeeding(streams -> ctx.verify(() -> {
          for (Future<Buffer> stream : streams) {
            String text = stream.result().toString();
            assertTrue(text.contains("tok0") && text.endsWith("data: [DONE]\n\n"), text);
            assertTrue(!text.contains("error"), text);
          }
          ctx.completeNow();
        })));
  }

  private Future<Buffer> stream(Vertx vertx, JsonObject body) {
    return vertx.createHttpClient().request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(gw.port()).setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer " + Routed.MASTER).putHeader("content-type", "application/json"))
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> {
          assertEquals(200, response.statusCode());
          return response.body();
        });
  }
}
