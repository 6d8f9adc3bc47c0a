package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Budgets cannot be bypassed: concurrent requests reserve their estimated cost before the provider
 * is called, so a budget worth 10 requests admits 10 of 100 sent at once, on one gateway or two.
 * Each request here costs exactly $0.02 (10 prompt tokens at $0.001, 5 output at $0.002, as the
 * mock answers), and its estimate is the same: a 40-character prompt and max_tokens 5.
 */
@ExtendWith(VertxExtension.class)
class BudgetsTest {

  private static final String MASTER = "sk-master-budgets";
  private static final double COST = 0.02;

  private MockProvider mock;
  private WebClient client;
  private final List<Gateway> gateways = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    // Slow answers keep every admitted request in flight while the rest arrive: only reservations stop them.
    mock = new MockProvider(vertx).on("chat", MockProvider.Behaviour.ok().withDelay(300));
    client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(200));
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Gateways.closeAll(gateways).eventually(mock::stop).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Gateway> gateway(String databaseUrl, String general, String litellm) {
    return Gateways.start("""
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings: {master_key: %s, database_url: "%s"%s}
        litellm_settings: {drop_params: true%s}
        """.formatted(mock.apiBase(), MASTER, databaseUrl, general, litellm)).onSuccess(gateways::add);
  }

  private Future<JsonObject> admin(Gateway gateway, String path, JsonObject body) {
    return client.post(gateway.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(body).map(response -> {
          assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
          return response.bodyAsJsonObject();
        });
  }

  private Future<HttpResponse<Buffer>> chat(Gateway gateway, String key) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.chat("chat").maxTokens(5).user("x".repeat(40)).build());
  }

  /** Sends {@code count} requests at once, spread over the gateways; their responses. */
  private Future<List<HttpResponse<Buffer>>> burst(List<Gateway> targets, String key, int count) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(chat(targets.get(i % targets.size()), key));
    }
    return Future.all(sent).map(all -> all.<HttpResponse<Buffer>>list());
  }

  private static long count(List<HttpResponse<Buffer>> responses, int status) {
    return responses.stream().filter(r -> r.statusCode() == status).count();
  }

  /** The key's spend once the gateways' writers have put {@code rows} rows in Postgres. */
  private Future<Double> writtenSpend(Vertx vertx, Gateway gateway, String key, int rows) {
    return Awaits.until(vertx, () -> gateways.stream().mapToLong(g -> g.accounting().writer().writtenRows()).sum() >= rows,
            10_000)
        .compose(v -> client.get(gateway.port(), "127.0.0.1", "/key/info").addQueryParam("key", key)
            .putHeader("Authorization", "Bearer " + MASTER).send())
        .map(info -> info.bodyAsJsonObject().getJsonObject("info").getDouble("spend"));
  }

  private void assertBudgetRefusals(List<HttpResponse<Buffer>> responses) {
    for (HttpResponse<Buffer> response : responses) {
      if (response.statusCode() != 200) {
        assertEquals(400, response.statusCode(), response.bodyAsString());
        JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
        assertEquals("budget_exceeded", error.getString("type"));
        assertTrue(error.getString("message").contains("Max budget: 0.199"), error.getString("message"));
        assertTrue(!response.bodyAsString().contains("key:"), "no key hash in the error");
      }
    }
  }

  private void hundredAtOnceAgainstTen(Vertx vertx, VertxTestContext ctx, String general, int gatewayCount) {
    String url = TestDatabase.newDatabaseUrl();
    String[] key = new String[1];
    gateway(url, general, "")
        .compose(first -> gatewayCount == 1 ? Future.succeededFuture(first) : gateway(url, general, "").map(second -> first))
        .compose(first -> admin(first, "/key/generate", new JsonObject().put("max_budget", 0.199)))
        .compose(generated -> {
          key[0] = generated.getString("key");
          return burst(gateways, key[0], 100);
        })
        .compose(responses -> {
          ctx.verify(() -> {
            assertEquals(10, count(responses, 200), "a budget worth 10 requests admits 10 of 100 sent at once");
            assertEquals(90, count(responses, 400));
            assertBudgetRefusals(responses);
            assertEquals(10, mock.received().size(), "a refused request never reaches the provider");
          });
          return writtenSpend(vertx, gateways.get(0), key[0], 100);
        })
        .onComplete(ctx.succeeding(spend -> ctx.verify(() -> {
          assertTrue(spend <= 0.199 + COST, "overshoot at most one request: spend " + spend);
          assertEquals(10 * COST, spend, 1e-9);
          ctx.completeNow();
        })));
  }

  @Test
  void a_hundred_concurrent_requests_cannot_spend_past_a_budget_worth_ten_in_memory(Vertx vertx, VertxTestContext ctx) {
    hundredAtOnceAgainstTen(vertx, ctx, ", budget_reservations: memory", 1);
  }

  @Test
  void reservations_in_postgres_hold_a_budget_across_two_gateways(Vertx vertx, VertxTestContext ctx) {
    hundredAtOnceAgainstTen(vertx, ctx, ", budget_reservations: database", 2);
  }

  @Test
  void reservations_in_postgres_hold_a_budget_on_one_gateway(Vertx vertx, VertxTestContext ctx) {
    hundredAtOnceAgainstTen(vertx, ctx, ", budget_reservations: database", 1);
  }

  @Test
  void with_reservations_in_postgres_the_remaining_budget_gauge_still_moves(VertxTestContext ctx) {
    gateway(TestDatabase.newDatabaseUrl(), ", budget_reservations: database", "")
        .compose(g -> admin(g, "/key/generate", new JsonObject().put("max_budget", 1.0).put("key_alias", "gauged"))
            .compose(generated -> chat(g, generated.getString("key")))
            .map(answered -> {
              ctx.verify(() -> assertEquals(200, answered.statusCode()));
              return g;
            }))
        .compose(g -> dev.switchboard.testing.Awaits.until(g.vertx(), () -> g.metrics().scrape().lines()
            .anyMatch(l -> l.startsWith("litellm_remaining_api_key_budget_metric") && l.contains("gauged")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) < 1.0), 10_000))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void strict_budgets_are_never_overshot(Vertx vertx, VertxTestContext ctx) {
    String url = TestDatabase.newDatabaseUrl();
    String[] key = new String[1];
    gateway(url, ", strict_budgets: true", "")
        .compose(g -> admin(g, "/key/generate", new JsonObject().put("max_budget", 0.199)))
        .compose(generated -> {
          key[0] = generated.getString("key");
          return burst(gateways, key[0], 50);
        })
        .compose(responses -> {
          // The worst case counts the prompt's bound (40 bytes + 7 framing tokens): $0.047 + $0.01 each.
          ctx.verify(() -> assertEquals(3, count(responses, 200), "only requests whose worst case fits: 3 x $0.057 <= $0.199"));
          return writtenSpend(vertx, gateways.get(0), key[0], 50);
        })
        .onComplete(ctx.succeeding(spend -> ctx.verify(() -> {
          assertTrue(spend <= 0.199, "no overshoot: " + spend);
          ctx.completeNow();
        })));
  }

  @Test
  void a_teams_and_a_users_budget_bound_their_keys(VertxTestContext ctx) {
    String url = TestDatabase.newDatabaseUrl();
    Gateway[] g = new Gateway[1];
    String[] keys = new String[2];
    gateway(url, ", budget_reservations: memory", "")
        .compose(started -> {
          g[0] = started;
          return admin(started, "/team/new", new JsonObject().put("team_id", "t-budget").put("max_budget", 0.03)
              .put("budget_duration", "1d"));
        })
        .compose(team -> admin(g[0], "/user/new", new JsonObject().put("user_id", "u-budget").put("max_budget", 0.01)))
        .compose(user -> admin(g[0], "/key/generate", new JsonObject().put("team_id", "t-budget")))
        .compose(teamKey -> {
          keys[0] = teamKey.getString("key");
          return admin(g[0], "/key/generate", new JsonObject().put("user_id", "u-budget"));
        })
        .compose(userKey -> {
          keys[1] = userKey.getString("key");
          // One after another: $0 < $0.03, $0.02 < $0.03, then $0.04 is over.
          return chat(g[0], keys[0]).compose(a -> chat(g[0], keys[0])).compose(b -> chat(g[0], keys[0]));
        })
        .compose(third -> {
          ctx.verify(() -> {
            assertEquals(400, third.statusCode(), third.bodyAsString());
            String message = third.bodyAsJsonObject().getJsonObject("error").getString("message");
            assertTrue(message.contains("Team 't-budget'"), message);
            assertTrue(message.contains("resets at"), message);
          });
          return chat(g[0], keys[1]).compose(a -> chat(g[0], keys[1]));
        })
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertEquals(400, second.statusCode(), second.bodyAsString());
          assertTrue(second.bodyAsString().contains("User 'u-budget'"), second.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void the_proxy_budget_applies_to_the_master_key_too(VertxTestContext ctx) {
    gateway(TestDatabase.newDatabaseUrl(), "", ", max_budget: 0.03, budget_duration: 30d")
        .compose(g -> chat(g, MASTER).compose(a -> chat(g, MASTER)).compose(b -> chat(g, MASTER)))
        .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
          assertEquals(400, third.statusCode(), third.bodyAsString());
          assertTrue(third.bodyAsString().contains("The proxy has spent"), third.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void spend_counted_before_a_restart_still_counts_after_it(VertxTestContext ctx) {
    String url = TestDatabase.newDatabaseUrl();
    String[] key = new String[1];
    gateway(url, ", budget_reservations: memory", "")
        .compose(first -> admin(first, "/key/generate", new JsonObject().put("max_budget", 0.03))
            .compose(generated -> {
              key[0] = generated.getString("key");
              return chat(first, key[0]).compose(a -> chat(first, key[0]));
            })
            .compose(spent -> {
              gateways.remove(first);
              return first.close();
            }))
        .compose(closed -> gateway(url, ", budget_reservations: memory", ""))
        .compose(second -> chat(second, key[0]))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertEquals(400, after.statusCode(), "the $0.04 spent before the restart is still there: " + after.bodyAsString());
          ctx.completeNow();
        })));
  }
}
