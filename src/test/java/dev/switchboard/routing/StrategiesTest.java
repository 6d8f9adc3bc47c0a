package dev.switchboard.routing;

import dev.switchboard.model.DeploymentGate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.Principal;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.PriceBook;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each routing strategy's choices, with order, tags, aliases and pre-call checks, on the Router itself. */
class StrategiesTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Router router(String routerSettings, String... deployments) {
    StringBuilder yaml = new StringBuilder("model_list:\n");
    for (String d : deployments) {
      yaml.append("  - ").append(d).append('\n');
    }
    yaml.append("router_settings: ").append(routerSettings).append('\n');
    GatewayConfig config = new ConfigLoader(name -> null).parse(yaml.toString(), "test.yaml");
    ModelRegistry registry = ModelRegistry.from(config);
    DeploymentStates states = new DeploymentStates(vertx, null, registry, config.router().routing(),
        System::currentTimeMillis);
    return new Router(DeploymentGate.UNBOUNDED, states);
  }

  private static String d(String id, String extra) {
    return "{model_name: chat, litellm_params: {model: openai/" + id + ", api_base: 'http://127.0.0.1:9/v1', api_key: k"
        + extra + "}, model_info: {id: " + id + "}}";
  }

  private static Deployment pick(Router router, PickRequest request) {
    return router.pick(request).toCompletionStage().toCompletableFuture().join();
  }

  private static Map<String, Integer> picks(Router router, int n, PickRequest request) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(pick(router, request).id(), 1, Integer::sum);
    }
    return counts;
  }

  private static PickRequest chat() {
    return new PickRequest("chat", Principal.MASTER, 10);
  }

  @Test
  void simple_shuffle_follows_the_weights() {
    Router router = router("{}", d("a", ", weight: 1"), d("b", ", weight: 3"));
    Map<String, Integer> counts = picks(router, 20_000, chat());
    double shareB = counts.get("b") / 20_000.0;
    assertEquals(0.75, shareB, 0.02, counts.toString());
  }

  @Test
  void simple_shuffle_weighs_by_rpm_when_no_weight_is_given() {
    Router router = router("{}", d("a", ", rpm: 100"), d("b", ", rpm: 900"));
    Map<String, Integer> counts = picks(router, 20_000, chat());
    assertEquals(0.9, counts.get("b") / 20_000.0, 0.02, counts.toString());
  }

  @Test
  void least_busy_picks_the_deployment_with_fewest_requests_in_flight() {
    Router router = router("{routing_strategy: least-busy}", d("a", ""), d("b", ""), d("c", ""));
    router.states().state("a").inFlight.set(5);
    router.states().state("b").inFlight.set(1);
    router.states().state("c").inFlight.set(3);
    assertEquals(Map.of("b", 1000), picks(router, 1000, chat()));
    router.states().state("b").inFlight.set(9);
    assertEquals(Map.of("c", 1000), picks(router, 1000, chat()));
  }

  @Test
  void latency_based_routing_prefers_the_fastest_and_keeps_exploring() {
    Router router = router("{routing_strategy: latency-based-routing}", d("fast", ""), d("slow", ""));
    long now = System.currentTimeMillis();
    router.states().state("fast").succeeded(now, 50_000_000, 0, 10);
    router.states().state("slow").succeeded(now, 900_000_000, 0, 10);
    Map<String, Integer> counts = picks(router, 10_000, chat());
    double slowShare = counts.getOrDefault("slow", 0) / 10_000.0;
    assertTrue(slowShare > 0.005 && slowShare < 0.06, "exploration share about 2.5%: " + counts);
  }

  @Test
  void latency_based_routing_ranks_streams_by_time_to_first_token() {
    Router router = router("{routing_strategy: latency-based-routing}", d("a", ""), d("b", ""));
    long now = System.currentTimeMillis();
    // a answers whole requests faster, b starts streaming sooner.
    router.states().state("a").succeeded(now, 100_000_000, 80_000_000, 10);
    router.states().state("b").succeeded(now, 400_000_000, 10_000_000, 10);
    Map<String, Integer> streams = picks(router, 2000, new PickRequest("chat", Principal.MASTER, 10, Set.of(), List.of(), true));
    Map<String, Integer> whole = picks(router, 2000, chat());
    assertTrue(streams.getOrDefault("b", 0) > 1800, streams.toString());
    assertTrue(whole.getOrDefault("a", 0) > 1800, whole.toString());
  }

  @Test
  void usage_based_routing_picks_the_lowest_use_against_its_tpm() {
    Router router = router("{routing_strategy: usage-based-routing}", d("big", ", tpm: 100000"), d("small", ", tpm: 1000"));
    long now = System.currentTimeMillis();
    router.states().state("big").succeeded(now, 1, 0, 20_000);   // 20% used
    router.states().state("small").succeeded(now, 1, 0, 100);    // 10% used
    assertEquals(Map.of("small", 500), picks(router, 500, chat()));
    router.states().state("small").succeeded(now, 1, 0, 200);    // 30% used
    assertEquals(Map.of("big", 500), picks(router, 500, chat()));
  }

  @Test
  void cost_based_routing_picks_the_cheapest_healthy_deployment() {
    String cheap = "{model_name: chat, litellm_params: {model: openai/cheap, api_base: 'http://127.0.0.1:9/v1'}, "
        + "model_info: {id: cheap, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}}";
    String dear = "{model_name: chat, litellm_params: {model: openai/dear, api_base: 'http://127.0.0.1:9/v1'}, "
        + "model_info: {id: dear, input_cost_per_token: 0.00001, output_cost_per_token: 0.00003}}";
    Router router = router("{routing_strategy: cost-based-routing, allowed_fails: 0}", dear, cheap);
    assertEquals(Map.of("cheap", 500), picks(router, 500, chat()));
    router.states().coolDown(router.states().state("cheap"), "test", 500, System.currentTimeMillis());
    assertEquals(Map.of("dear", 500), picks(router, 500, chat()));
  }

  @Test
  void lower_order_is_tried_first_and_higher_only_when_the_lower_is_unavailable() {
    Router router = router("{}", d("primary", ", order: 1"), d("backup", ", order: 2"), d("backup2", ", order: 2"));
    assertEquals(Map.of("primary", 1000), picks(router, 1000, chat()));
    router.states().coolDown(router.states().state("primary"), "test", 500, System.currentTimeMillis());
    Map<String, Integer> counts = picks(router, 1000, chat());
    assertEquals(Set.of("backup", "backup2"), counts.keySet());
    // A retry skips what already failed for the request.
    assertEquals("backup2", pick(router, new PickRequest("chat", Principal.MASTER, 10, Set.of("backup"), List.of(), false)).id());
  }

  @Test
  void tag_filtering_sends_tagged_requests_to_matching_deployments_and_the_rest_to_default() {
    Router router = router("{enable_tag_filtering: true}", d("free", ", tags: [free]"), d("paid", ", tags: [paid]"),
        d("general", ", tags: [default]"));
    assertEquals(Map.of("paid", 200), picks(router, 200, new PickRequest("chat", Principal.MASTER, 10, Set.of(),
        List.of("paid"), false)));
    assertEquals(Map.of("general", 200), picks(router, 200, chat()));
    assertEquals(Map.of("general", 200), picks(router, 200, new PickRequest("chat", Principal.MASTER, 10, Set.of(),
        List.of("unknown"), false)));
  }

  @Test
  void a_model_group_alias_routes_to_its_group() {
    Router router = router("{model_group_alias: {gpt-4: chat, hidden-name: {model: chat, hidden: true}}}", d("a", ""));
    assertEquals("a", pick(router, new PickRequest("gpt-4", Principal.MASTER, 10)).id());
    assertEquals("a", pick(router, new PickRequest("hidden-name", Principal.MASTER, 10)).id());
  }

  @Test
  void pre_call_checks_skip_deployments_whose_context_window_is_too_small() {
    String small = "{model_name: chat, litellm_params: {model: openai/small, api_base: 'http://127.0.0.1:9/v1'}, "
        + "model_info: {id: small, max_input_tokens: 100}}";
    String large = "{model_name: chat, litellm_params: {model: openai/large, api_base: 'http://127.0.0.1:9/v1'}, "
        + "model_info: {id: large, max_input_tokens: 10000}}";
    Router router = router("{enable_pre_call_checks: true}", small, large);
    assertEquals(Map.of("large", 300), picks(router, 300, new PickRequest("chat", Principal.MASTER, 500)));
    GatewayError tooLong = (GatewayError) router.pick(new PickRequest("chat", Principal.MASTER, 50_000)).cause();
    assertEquals("context_length_exceeded", tooLong.code());
  }

  @Test
  void a_group_whose_deployments_all_cool_down_is_refused_with_the_time_to_wait() {
    Router router = router("{cooldown_time: 30}", d("a", ""), d("b", ""));
    long now = System.currentTimeMillis();
    router.states().coolDown(router.states().state("a"), "test", 500, now);
    router.states().coolDown(router.states().state("b"), "test", 500, now);
    GatewayError none = (GatewayError) router.pick(chat()).cause();
    assertEquals(429, none.status());
    assertEquals("no_deployments_available", none.code());
    assertTrue(Integer.parseInt(none.retryAfter()) <= 30, none.retryAfter());
  }

  @Test
  void backoff_is_full_jitter_under_an_exponential_ceiling_and_honours_retry_after_up_to_the_cap() {
    for (int retry = 0; retry < 8; retry++) {
      long ceiling = Backoff.ceilingMs(retry);
      assertEquals(Math.min(Backoff.MAX_MS, Backoff.BASE_MS << retry), ceiling);
      for (int i = 0; i < 500; i++) {
        long delay = Backoff.delayMs(retry, -1, 10_000);
        assertTrue(delay >= 0 && delay <= ceiling, retry + ": " + delay);
      }
    }
    assertEquals(1_500, Backoff.delayMs(0, 1_500, 10_000));
    assertEquals(10_000, Backoff.delayMs(0, 60_000, 10_000));
  }
}
