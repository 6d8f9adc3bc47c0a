package dev.switchboard.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.bus.Addresses;
import dev.switchboard.callbacks.SinkServer;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alerts against a mock Slack webhook and a mock generic webhook on loopback: an outage of many
 * failing requests sends one alert per channel, slow requests one, an alert published on
 * {@code switchboard.alerts} by another stage (a soft budget) once per cause, and
 * {@code alert_types} filters.
 */
@ExtendWith(VertxExtension.class)
class AlertingTest {

  private static final String MASTER = "sk-alerting-master-0123456789";
  private MockProvider mock;
  private SinkServer sink;
  private Gateway gateway;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        sink == null ? Future.succeededFuture() : sink.stop(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> start(Vertx vertx, String general) {
    mock = new MockProvider(vertx).on("broken", Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()))
        .on("sleepy", Behaviour.ok().withDelay(300)).on("hangs", Behaviour.ok().withDelay(4_000));
    sink = new SinkServer(vertx, SinkServer.Mode.ANSWER, 200);
    client = WebClient.create(vertx);
    return sink.start().compose(s -> mock.start()).compose(m -> Gateways.start("""
        model_list:
          - {model_name: broken, litellm_params: {model: openai/broken, api_base: "%1$s", api_key: sk-up-1}, model_info: {id: broken-1}}
          - {model_name: sleepy, litellm_params: {model: openai/sleepy, api_base: "%1$s", api_key: sk-up-1}, model_info: {id: sleepy-1}}
          - {model_name: hangs, litellm_params: {model: openai/hangs, api_base: "%1$s", api_key: sk-up-1}, model_info: {id: hangs-1}}
          - {model_name: priced, litellm_params: {model: openai/priced, api_base: "%1$s", api_key: sk-up-1}, model_info: {id: priced-1, input_cost_per_token: 0.001, output_cost_per_token: 0.002}}
        router_settings: {num_retries: 0}
        general_settings:
          master_key: %2$s
          alerting: ["slack", "webhook"]
          %3$s
        """.formatted(m.apiBase(), MASTER, general),
        Map.of("SLACK_WEBHOOK_URL", sink.url("/slack"), "WEBHOOK_URL", sink.url("/hook")), 2))
        .map(g -> {
          gateway = g;
          return null;
        });
  }

  private Future<List<Integer>> requests(String model, int count) {
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      answers.add(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
          .putHeader("Authorization", "Bearer " + MASTER)
          .sendJsonObject(Requests.chat(model).user("hi").build()).map(r -> r.statusCode()));
    }
    return Future.all(answers).map(all -> all.<Integer>list());
  }

  /** Closes the gateway (its alert posts end with it), so nothing more can arrive after the assertions. */
  private Future<Void> closeGateway() {
    Gateway closing = gateway;
    gateway = null;
    return closing.close();
  }

  @Test
  void an_outage_of_many_failing_requests_sends_one_alert_per_channel(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "alerting_args: {outage_alert_ttl: 600, minor_outage_alert_threshold: 3}\n  alert_types: [\"outage_alerts\"]")
        .compose(v -> requests("broken", 20))
        .compose(statuses -> {
          ctx.verify(() -> statuses.forEach(s -> assertTrue(s >= 500, "status " + s)));
          return requests("broken", 10); // still failing, still within the alert's time to live
        })
        .compose(statuses -> Awaits.until(vertx, () -> gateway.alerting().delivered() >= 2, 10_000))
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, sink.postsTo("/slack").size(), "Slack posts: " + sink.posts);
          assertEquals(1, sink.postsTo("/hook").size(), "webhook posts: " + sink.posts);
          String text = sink.postsTo("/slack").get(0).body().toJsonObject().getString("text");
          assertTrue(text.contains("outage_alerts") && text.contains("broken-1"), text);
          JsonObject hook = sink.postsTo("/hook").get(0).body().toJsonObject();
          assertEquals("outage_alerts", hook.getString("event"));
          assertEquals("deployment", hook.getString("event_group"));
          assertEquals("broken-1", hook.getString("deployment"));
          assertTrue(hook.getString("event_message").contains("failed 3 requests"), hook.encode());
          ctx.completeNow();
        })));
  }

  @Test
  void an_announced_cooldown_sends_one_alert_per_deployment(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "alert_types: [\"cooldown_deployment\"]")
        .compose(v -> {
          JsonObject cooldown = new JsonObject().put("deployment_id", "broken-1")
              .put("until_epoch_ms", System.currentTimeMillis() + 5_000).put("reason", "rate_limit: slow down");
          gateway.vertx().eventBus().publish(Addresses.ROUTER_COOLDOWN, cooldown);
          gateway.vertx().eventBus().publish(Addresses.ROUTER_COOLDOWN, cooldown.copy()); // heard again
          return Awaits.until(vertx, () -> gateway.alerting().delivered() + gateway.alerting().suppressed() >= 3, 10_000);
        })
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, sink.postsTo("/slack").size(), "Slack posts: " + sink.posts);
          JsonObject hook = sink.postsTo("/hook").get(0).body().toJsonObject();
          assertEquals("cooldown_deployment", hook.getString("event"));
          assertEquals("broken-1", hook.getString("deployment"));
          ctx.completeNow();
        })));
  }

  @Test
  void slow_requests_past_the_threshold_send_one_alert(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "alerting_threshold: 0.1\n  alert_types: [\"llm_too_slow\"]")
        .compose(v -> requests("sleepy", 3))
        .compose(statuses -> {
          ctx.verify(() -> statuses.forEach(s -> assertEquals(200, s)));
          return Awaits.until(vertx, () -> gateway.alerting().delivered() >= 2, 10_000);
        })
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, sink.postsTo("/slack").size(), "Slack posts: " + sink.posts);
          assertEquals("llm_too_slow", sink.postsTo("/hook").get(0).body().toJsonObject().getString("event"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_failing_provider_sends_one_llm_exceptions_alert_per_channel(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "alert_types: [\"llm_exceptions\"]")
        .compose(v -> requests("broken", 10))
        .compose(statuses -> Awaits.until(vertx, () -> gateway.alerting().delivered() >= 2, 10_000))
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, sink.postsTo("/slack").size(), "Slack posts: " + sink.posts);
          String text = sink.postsTo("/slack").get(0).body().toJsonObject().getString("text");
          assertTrue(text.contains("llm_exceptions") && text.contains("broken-1") && text.contains("500"), text);
          JsonObject hook = sink.postsTo("/hook").get(0).body().toJsonObject();
          assertEquals("llm_exceptions", hook.getString("event"));
          assertEquals(500, hook.getInteger("status"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_request_in_flight_past_the_threshold_is_reported_while_it_hangs(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "alerting_threshold: 0.2\n  alert_types: [\"llm_requests_hanging\"]")
        .compose(v -> {
          Future<List<Integer>> answered = requests("hangs", 1);
          // The sweep finds it before the provider answers (4 s).
          return Awaits.until(vertx, () -> !sink.postsTo("/hook").isEmpty(), 3_500)
              .map(seen -> {
                ctx.verify(() -> assertTrue(!answered.isComplete(), "reported while still in flight"));
                return null;
              }).compose(seen -> answered);
        })
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          JsonObject hook = sink.postsTo("/hook").get(0).body().toJsonObject();
          assertEquals("llm_requests_hanging", hook.getString("event"));
          assertEquals("hangs", hook.getString("model_group"));
          assertEquals(1, sink.postsTo("/hook").size(), "one alert for the group, however many sweeps saw it");
          ctx.completeNow();
        })));
  }

  @Test
  void alerts_published_by_other_stages_are_sent_once_per_cause_and_filtered_by_type(Vertx vertx,
      VertxTestContext ctx) {
    start(vertx, "alert_types: [\"soft_budget_crossed\"]")
        .compose(v -> requests("broken", 10)) // outages are not among the wanted types
        .compose(v -> {
          AlertEvent soft = new AlertEvent(AlertEvent.SOFT_BUDGET, "Low", "Key team-a crossed its soft budget",
              "soft_budget_crossed:key:abc", System.currentTimeMillis(),
              new JsonObject().put("spend", 8.5).put("soft_budget", 8.0).put("token", "abc"));
          gateway.vertx().eventBus().publish(AlertEvent.ADDRESS, soft);
          gateway.vertx().eventBus().publish(AlertEvent.ADDRESS, soft); // the same cause again
          gateway.vertx().eventBus().publish(AlertEvent.ADDRESS, new JsonObject().put("type", AlertEvent.SOFT_BUDGET)
              .put("message", "Key team-b crossed its soft budget").put("dedup_key", "soft_budget_crossed:key:def"));
          return Awaits.until(vertx, () -> gateway.alerting().delivered() >= 4, 10_000);
        })
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(2, sink.postsTo("/slack").size(), "Slack posts: " + sink.posts);
          assertEquals(2, sink.postsTo("/hook").size());
          sink.postsTo("/hook").forEach(p -> assertEquals("soft_budget_crossed", p.body().toJsonObject().getString("event")));
          // The two causes are posted concurrently: either may arrive first.
          assertTrue(sink.postsTo("/hook").stream().anyMatch(p -> Double.valueOf(8.0).equals(p.body().toJsonObject()
              .getDouble("soft_budget"))), sink.posts.toString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_key_crossing_its_soft_budget_sends_one_budget_alert(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "alert_types: [\"budget_alerts\"]\n  database_url: \"" + TestDatabase.newDatabaseUrl() + "\"")
        .compose(v -> client.post(gateway.port(), "127.0.0.1", "/key/generate").putHeader("Authorization", "Bearer " + MASTER)
            .sendJsonObject(new JsonObject().put("key_alias", "thrifty").put("soft_budget", 0.000001)))
        .compose(made -> {
          String key = made.bodyAsJsonObject().getString("key");
          List<Future<Integer>> calls = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            calls.add(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
                .sendJsonObject(Requests.chat("priced").user("hi").build()).map(r -> r.statusCode()));
          }
          return Future.all(calls);
        })
        .compose(v -> Awaits.until(vertx, () -> gateway.alerting().delivered() >= 2, 10_000))
        .compose(v -> closeGateway())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, sink.postsTo("/hook").size(), "one alert for one crossing: " + sink.posts);
          JsonObject hook = sink.postsTo("/hook").get(0).body().toJsonObject();
          assertEquals("soft_budget_crossed", hook.getString("event"));
          assertEquals("thrifty", hook.getString("name"));
          assertEquals(1, sink.postsTo("/slack").size());
          assertTrue(sink.postsTo("/slack").get(0).body().toString().contains("thrifty"));
          ctx.completeNow();
        })));
  }
}
