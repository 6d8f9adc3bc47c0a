package dev.switchboard.metrics;

import dev.switchboard.routing.RouterMetrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.EnvValue;
import dev.switchboard.model.Deployment;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics after real traffic: LiteLLM's names and labels, no per-request Vert.x meters by default, bounded and secret-free labels. */
@ExtendWith(VertxExtension.class)
class MetricsEndpointTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(vertx -> new MockProvider(vertx)
      .on("broken", Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of())),
      m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/upstream-ok, api_base: "%1$s", api_key: %2$s}
          model_info: {id: chat-1, input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        - model_name: broken
          litellm_params: {model: openai/broken, api_base: "%1$s", api_key: %2$s}
          model_info: {id: broken-1}
      general_settings: {master_key: %3$s}
      """.formatted(m.apiBase(), UPSTREAM_KEY, MASTER));

  static final String MASTER = "sk-metrics-master-0123456789";
  static final String UPSTREAM_KEY = "sk-upstream-metrics-secret-42";

  private Future<HttpResponse<Buffer>> chat(String key, String model, String requestId) {
    var request = gw.post("/v1/chat/completions");
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    if (requestId != null) {
      request.putHeader("x-litellm-call-id", requestId);
    }
    return request.sendJsonObject(Requests.chat(model).user("Hello").build());
  }

  private Future<Scrape> scrape(String key) {
    var request = gw.get("/metrics");
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return request.send().map(response -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertTrue(response.getHeader("content-type").startsWith("text/plain"));
      return new Scrape(response.bodyAsString());
    });
  }

  /** The spend stage counts requests after answering them: wait until it has seen {@code n}. */
  private Future<Void> counted(Vertx vertx, double n) {
    return Awaits.until(vertx, () -> new Scrape(gw.gateway().metrics().scrape())
        .value("litellm_proxy_total_requests_metric_total") >= n, 10_000);
  }

  @Test
  void counters_and_histograms_after_traffic_carry_litellm_names_and_labels(Vertx vertx, VertxTestContext ctx) {
    chat(MASTER, "chat", null)
        .compose(r -> chat(MASTER, "chat", null))
        .compose(r -> chat(MASTER, "broken", null))
        .compose(r -> chat(MASTER, "no-such-model", null))
        .compose(r -> chat("sk-wrong-key-000000", "chat", null))
        .compose(r -> counted(vertx, 5))
        .compose(v -> scrape(null))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          String ok = "requested_model=\"chat\"";
          assertEquals(2, s.value("litellm_proxy_total_requests_metric_total", ok, "status_code=\"200\"",
              "status_class=\"2xx\"", "api_key_alias=\"master\"", "model=\"openai/upstream-ok\""));
          // An upstream 500 stays a 500 (routing keeps 500 and 503, maps other 5xx to 502).
          assertEquals(1, s.value("litellm_proxy_failed_requests_metric_total", "requested_model=\"broken\"",
              "exception_status=\"500\""));
          assertEquals(1, s.value("litellm_proxy_failed_requests_metric_total", "requested_model=\"unknown\"",
              "exception_status=\"404\""));
          assertEquals(1, s.value("litellm_proxy_failed_requests_metric_total", "exception_status=\"401\""));
          // Histograms in LiteLLM's buckets (seconds), one observation per request.
          assertEquals(2, s.value("litellm_request_total_latency_metric_count", ok));
          assertEquals(2, s.value("litellm_request_total_latency_metric_bucket", ok, "le=\"300.0\""));
          assertEquals(2, s.value("litellm_llm_api_latency_metric_count", ok));
          assertEquals(2, s.value("litellm_overhead_latency_metric_count", ok));
          assertTrue(s.value("litellm_overhead_latency_metric_sum", ok) < s.value("litellm_request_total_latency_metric_sum", ok));
          assertFalse(s.lines("litellm_llm_api_time_to_first_token_metric_count", ok).isEmpty());
          // Tokens and spend (the mock reports usage; model_info prices it).
          assertTrue(s.value("litellm_input_tokens_total", ok) > 0);
          assertTrue(s.value("litellm_output_tokens_total", ok) > 0);
          assertEquals(s.value("litellm_input_tokens_total", ok) + s.value("litellm_output_tokens_total", ok),
              s.value("litellm_total_tokens_total", ok));
          assertTrue(s.value("litellm_spend_metric_total", ok) > 0);
          // Per deployment: success / failure responses and state.
          assertEquals(2, s.value("litellm_deployment_success_responses_total", "model_id=\"chat-1\"",
              "api_provider=\"openai\"", "litellm_model_name=\"openai/upstream-ok\""));
          // Per attempt: the request to broken was tried once and retried twice (num_retries 2).
          assertEquals(3, s.value("litellm_deployment_failure_responses_total", "model_id=\"broken-1\"",
              "exception_status=\"500\""));
          assertEquals(1, s.lines("litellm_deployment_state", "model_id=\"chat-1\"").size());
          assertEquals(0, s.value("litellm_deployment_state", "model_id=\"chat-1\""));
          // Switchboard's own, and Vert.x's HTTP server and client meters; not its event-bus
          // meters, whose per-message registry lookups cost a tenth of the CPU at saturation.
          assertFalse(s.lines("switchboard_ratelimit_queue_depth").isEmpty());
          // Every stage is reached by one kind of hop, counted the same way: five requests were
          // authenticated, four got past auth (spend rows), three past access (limits, budget),
          // and five attempts were picked and relayed (two to chat, three to broken).
          assertEquals(5, s.value("switchboard_stage_hops_total", "stage=\"sb.auth.check\""));
          assertEquals(4, s.value("switchboard_stage_hops_total", "stage=\"sb.spend.record\""));
          assertEquals(3, s.value("switchboard_stage_hops_total", "stage=\"sb.ratelimit.acquire\""));
          assertEquals(3, s.value("switchboard_stage_hops_total", "stage=\"sb.budget.reserve\""));
          assertEquals(5, s.value("switchboard_stage_hops_total", "stage=\"sb.router.pick\""));
          assertEquals(5, s.value("switchboard_stage_hops_total", "stage=\"sb.relay.call\""));
          assertFalse(s.lines("switchboard_circuit_breaker_state", "model_id=\"broken-1\"").isEmpty());
          assertFalse(s.text().contains("vertx_http_server_"), "Vert.x HTTP server meters are opt-in");
          assertFalse(s.text().contains("vertx_eventbus_"), "no Vert.x event-bus metrics");
          assertFalse(s.text().contains("vertx_http_client_"), "Vert.x HTTP client meters are opt-in");
          ctx.completeNow();
        })));
  }

  @Test
  void no_secret_request_id_or_client_chosen_name_becomes_a_label(Vertx vertx, VertxTestContext ctx) {
    chat(MASTER, "chat", "req-unique-4711")
        .compose(r -> chat(MASTER, "made-up-model-8c1f", "req-unique-4712"))
        .compose(r -> chat("sk-attacker-key-9999", "made-up-model-99ab", null))
        .compose(r -> counted(vertx, 3))
        .compose(v -> scrape(null))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          for (String forbidden : new String[] {MASTER, UPSTREAM_KEY, "sk-attacker", "req-unique-47", "made-up-model"}) {
            assertFalse(s.text().contains(forbidden), forbidden + " appears in /metrics");
          }
          // Every label value of the gateway's series comes from config, the key store or a small fixed set.
          Matcher labels = Pattern.compile("(requested_model|model_id|api_key_alias|team)=\"([^\"]*)\"").matcher(s.text());
          while (labels.find()) {
            assertTrue(labels.group(2).matches("chat|broken|chat-1|broken-1|master|unknown|other|"), labels.group());
          }
          ctx.completeNow();
        })));
  }

  @Test
  void the_router_interface_shows_cooldowns_fallbacks_breakers_and_state(VertxTestContext ctx) {
    RouterMetrics router = gw.gateway().metrics().router();
    Deployment broken = gw.gateway().registry().group("broken").deployments().get(0);
    router.deploymentState(broken, RouterMetrics.DeploymentState.OUTAGE);
    router.cooledDown(broken, 500);
    router.breakerState(broken, RouterMetrics.BreakerState.OPEN);
    router.fallback("broken", "chat", true, 502, "upstream_error", "master", null);
    router.fallback("broken", "chat", false, 502, "upstream_error", "master", null);
    scrape(null).onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      assertEquals(2, s.value("litellm_deployment_state", "model_id=\"broken-1\""));
      assertEquals(1, s.value("litellm_deployment_cooled_down_total", "model_id=\"broken-1\"", "exception_status=\"500\""));
      assertEquals(2, s.value("switchboard_circuit_breaker_state", "model_id=\"broken-1\""));
      assertEquals(1, s.value("litellm_deployment_successful_fallbacks_total", "requested_model=\"broken\"",
          "fallback_model=\"chat\""));
      assertEquals(1, s.value("litellm_deployment_failed_fallbacks_total", "fallback_model=\"chat\""));
      ctx.completeNow();
    })));
  }

  @Test
  void answers_count_under_the_labels_a_reload_gives_a_deployment_that_keeps_its_id(VertxTestContext ctx) {
    RouterMetrics router = gw.gateway().metrics().router();
    Deployment chat = gw.gateway().registry().group("chat").deployments().get(0);
    Deployment moved = new Deployment(chat.id(), chat.modelGroup(), chat.provider(), chat.upstreamModel(),
        EnvValue.of("http://moved.example:9/v1"), chat.apiKey(), chat.apiVersion(), chat.weight(), chat.timeoutMs(),
        chat.streamTimeoutMs(), chat.dropParams(), chat.batch(), chat.info(), chat.rpm(), chat.tpm(),
        chat.maxParallelRequests(), chat.order(), chat.tags(), chat.maxRetries());
    router.attempt(chat, true, 200, null, "reload-bot", null);
    // model_info.id kept, api_base changed: the reload tells the meters.
    gw.gateway().metrics().adopt(gw.gateway().registry());
    router.attempt(moved, true, 200, null, "reload-bot", null);
    scrape(null).onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      assertEquals(1, s.value("litellm_deployment_success_responses_total", "api_key_alias=\"reload-bot\"",
          "api_base=\"http://moved.example:9/v1\""));
      assertEquals(1, s.value("litellm_deployment_success_responses_total", "api_key_alias=\"reload-bot\"",
          "api_base=\"" + chat.apiBase().value() + "\""));
      ctx.completeNow();
    })));
  }

  @Test
  void provider_rate_limit_headers_and_budgets_become_gauges(VertxTestContext ctx) {
    Deployment chat = gw.gateway().registry().group("chat").deployments().get(0);
    io.vertx.core.MultiMap headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("x-ratelimit-remaining-requests", "499").add("x-ratelimit-remaining-tokens", "149000");
    gw.gateway().metrics().providerHeaders(chat, headers);
    gw.gateway().metrics().remainingBudget("key", "search-bot", 7.5);
    gw.gateway().metrics().remainingBudget("team", "search", 42);
    gw.gateway().metrics().redisCall(2_000_000, true);
    scrape(null).onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      assertEquals(499, s.value("litellm_remaining_requests_metric", "model_group=\"chat\"", "model_id=\"chat-1\""));
      assertEquals(149000, s.value("litellm_remaining_tokens", "model_group=\"chat\""));
      assertEquals(7.5, s.value("litellm_remaining_api_key_budget_metric", "api_key_alias=\"search-bot\""));
      assertEquals(42, s.value("litellm_remaining_team_budget_metric", "team=\"search\""));
      assertEquals(1, s.value("litellm_redis_latency_count"));
      assertEquals(1, s.value("litellm_redis_fails_total"));
      ctx.completeNow();
    })));
  }
}
