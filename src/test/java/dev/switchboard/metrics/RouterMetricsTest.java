package dev.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The router's meters after real traffic: cooldowns and the deployment state (outage while resting,
 * healthy when back), fallbacks that succeed and fail, circuit breakers, and per-attempt
 * success / failure counters.
 */
@ExtendWith(VertxExtension.class)
class RouterMetricsTest {

  private static final String MASTER = "sk-router-metrics-master-0123";
  private static final String BOOM = "{\"error\":{\"message\":\"boom\"}}";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  /**
   * {@code chat}: busy (429s, tried first by its order) and steady; {@code broken} (500s) falls
   * back to {@code backup}; {@code dead} (500s) falls back to {@code broken}. Breakers open after 2 failures.
   */
  private Future<Gateway> start(Vertx vertx, int cooldownSeconds) {
    MockProvider mock = new MockProvider(vertx)
        .on("busy", Behaviour.error(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of()))
        .on("broken", Behaviour.error(500, BOOM, Map.of()))
        .on("dead", Behaviour.error(500, BOOM, Map.of()));
    return gw.start(mock, m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/busy, api_base: "%1$s", api_key: k, order: 1}, model_info: {id: busy}}
          - {model_name: chat, litellm_params: {model: openai/steady, api_base: "%1$s", api_key: k, order: 2}, model_info: {id: steady}}
          - {model_name: broken, litellm_params: {model: openai/broken, api_base: "%1$s", api_key: k}, model_info: {id: broken-1}}
          - {model_name: backup, litellm_params: {model: openai/backup, api_base: "%1$s", api_key: k}, model_info: {id: backup-1}}
          - {model_name: dead, litellm_params: {model: openai/dead, api_base: "%1$s", api_key: k}, model_info: {id: dead-1}}
        router_settings:
          cooldown_time: %2$d
          num_retries: 0
          fallbacks: [{broken: [backup]}, {dead: [broken]}]
          circuit_breaker: {failure_threshold: 2, failure_window: 600, reset_timeout: 600}
        general_settings: {master_key: %3$s}
        """.formatted(m.apiBase(), cooldownSeconds, MASTER));
  }

  private Future<HttpResponse<Buffer>> chat(String model) {
    return chat(model, 0);
  }

  private Future<HttpResponse<Buffer>> chat(String model, int retries) {
    return gw.post("/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat(model).put("num_retries", retries).user("Hello").build());
  }

  private Scrape scrape() {
    return new Scrape(gw.gateway().metrics().scrape());
  }

  @Test
  void a_429_counts_a_cooldown_and_shows_the_deployment_in_outage_while_the_retry_counts_per_attempt(Vertx vertx,
      VertxTestContext ctx) {
    start(vertx, 600)
        .compose(g -> chat("chat", 1))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertEquals("steady", answer.getHeader("x-litellm-model-id"));
          Scrape s = scrape();
          assertEquals(1, s.value("litellm_deployment_cooled_down_total", "model_id=\"busy\"", "exception_status=\"429\""));
          assertEquals(2, s.value("litellm_deployment_state", "model_id=\"busy\""));
          assertEquals(0, s.value("litellm_deployment_state", "model_id=\"steady\""));
          // One request, two calls: each deployment's counters see its own attempt.
          assertEquals(1, s.value("litellm_deployment_failure_responses_total", "model_id=\"busy\"",
              "exception_status=\"429\"", "exception_class=\"rate_limit_error\""));
          assertEquals(1, s.value("litellm_deployment_success_responses_total", "model_id=\"steady\""));
          assertEquals(0, s.value("litellm_deployment_success_responses_total", "model_id=\"busy\""));
          assertEquals(2, s.value("litellm_deployment_total_requests_total", "requested_model=\"chat\""));
          ctx.completeNow();
        })));
  }

  @Test
  void a_deployment_back_from_its_cooldown_is_healthy_again(Vertx vertx, VertxTestContext ctx) {
    start(vertx, 1)
        .compose(g -> chat("chat", 1))
        .compose(answer -> {
          ctx.verify(() -> assertEquals(1, scrape().value("litellm_deployment_cooled_down_total", "model_id=\"busy\"")));
          return Awaits.until(vertx, () -> !gw.gateway().routing().states().coolingDown("busy")
              && scrape().value("litellm_deployment_state", "model_id=\"busy\"") == 0, 15_000);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void fallbacks_that_succeed_and_fail_are_counted_with_the_original_error(Vertx vertx, VertxTestContext ctx) {
    start(vertx, 600)
        .compose(g -> chat("broken"))
        .compose(answer -> {
          ctx.verify(() -> {
            assertEquals(200, answer.statusCode(), answer.bodyAsString());
            Scrape s = scrape();
            assertEquals(1, s.value("litellm_deployment_successful_fallbacks_total", "requested_model=\"broken\"",
                "fallback_model=\"backup\"", "exception_status=\"500\"", "api_key_alias=\"master\""));
            // One failure, no cooldown (a group of one), breaker still closed: a partial outage.
            assertEquals(1, s.value("litellm_deployment_state", "model_id=\"broken-1\""));
          });
          return chat("dead");
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(500, answer.statusCode(), answer.bodyAsString());
          Scrape s = scrape();
          assertEquals(1, s.value("litellm_deployment_failed_fallbacks_total", "requested_model=\"dead\"",
              "fallback_model=\"broken\"", "exception_status=\"500\""));
          assertEquals(0, s.value("litellm_deployment_failed_fallbacks_total", "requested_model=\"broken\""));
          ctx.completeNow();
        })));
  }

  @Test
  void repeated_failures_open_the_breaker_and_its_gauge_and_the_state_show_it(Vertx vertx, VertxTestContext ctx) {
    start(vertx, 600)
        .compose(g -> chat("dead"))
        .compose(answer -> chat("dead"))
        // The breaker books a failure on the event-loop turn after the answer: wait for it to open.
        .compose(answer -> Awaits.until(vertx,
            () -> scrape().value("switchboard_circuit_breaker_state", "model_id=\"dead-1\"") == 2, 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals("OPEN", gw.gateway().routing().states().breakerState("dead-1"));
          Scrape s = scrape();
          assertEquals(2, s.value("litellm_deployment_state", "model_id=\"dead-1\""));
          assertEquals(2, s.value("litellm_deployment_failure_responses_total", "model_id=\"dead-1\"",
              "exception_status=\"500\""));
          assertTrue(s.value("switchboard_circuit_breaker_state", "model_id=\"steady\"") == 0);
          ctx.completeNow();
        })));
  }
}
