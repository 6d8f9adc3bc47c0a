package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.model.KeySecrets;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LiteLLM's {@code POST /key/{key}/reset_spend} and {@code POST /global/spend/reset}: their shapes
 * and messages, and that they reset what budgets are enforced from (each gateway's memory, or the
 * shared reservations in Postgres), so a key refused for its budget is served again at once. Each
 * chat costs $0.02 (the mock's 10 prompt tokens at $0.001, 5 output at $0.002); the keys' budget is
 * $0.03, so the third chat is refused.
 */
@ExtendWith(VertxExtension.class)
class SpendResetsTest {

  private static final String MASTER = "sk-master-resets";
  /** LiteLLM's answer to reset_spend (proxy/management_endpoints/key_management_endpoints.py). */
  private static final Set<String> RESET_FIELDS = Set.of("key_hash", "spend", "previous_spend", "max_budget",
      "budget_reset_at");

  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Gateways.closeAll(gateway == null ? List.of() : List.of(gateway)).eventually(mock::stop)
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Gateway> gateway(String reservations) {
    return gateway(reservations, TestDatabase.newDatabaseUrl());
  }

  private Future<Gateway> gateway(String reservations, String databaseUrl) {
    return Gateways.start("""
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings: {master_key: %s, database_url: "%s", budget_reservations: %s, proxy_batch_write_at: 0.1}
        """.formatted(mock.apiBase(), MASTER, databaseUrl, reservations)).onSuccess(g -> gateway = g);
  }

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return client.post(gateway.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> chat(String key) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.chat("chat").maxTokens(5).user("Hi").build());
  }

  /** A key with a $0.03 budget that two chats spent ($0.04, written) and a third was refused for. */
  private Future<String> keyOverBudget(Vertx vertx, VertxTestContext ctx, JsonObject settings) {
    String[] key = new String[1];
    return post("/key/generate", settings.put("max_budget", 0.03))
        .compose(generated -> {
          key[0] = generated.bodyAsJsonObject().getString("key");
          return chat(key[0]);
        })
        // Each written before the next: the refusal then comes from spend alone, not from a race with reservations.
        .compose(first -> written(vertx, 1))
        .compose(first -> chat(key[0]))
        .compose(second -> written(vertx, 2))
        .compose(second -> chat(key[0]))
        .compose(third -> {
          ctx.verify(() -> {
            assertEquals(400, third.statusCode(), third.bodyAsString());
            assertEquals("budget_exceeded", third.bodyAsJsonObject().getJsonObject("error").getString("type"));
          });
          return written(vertx, 3);
        })
        .map(written -> key[0]);
  }

  private Future<Void> written(Vertx vertx, long rows) {
    return Awaits.until(vertx, () -> gateway.accounting().writer().writtenRows() >= rows, 10_000);
  }

  private void served_again_after_reset_spend(Vertx vertx, VertxTestContext ctx, String reservations) {
    String[] key = new String[1];
    gateway(reservations)
        .compose(g -> keyOverBudget(vertx, ctx, new JsonObject().put("budget_duration", "30d")))
        .compose(k -> {
          key[0] = k;
          return Future.all(List.of(
              post("/key/" + k + "/reset_spend", new JsonObject().put("reset_to", 1.0)),
              post("/key/" + k + "/reset_spend", new JsonObject().put("reset_to", -1)),
              post("/key/" + k + "/reset_spend", new JsonObject().put("reset_to", "zero")),
              post("/key/sk-no-such-key-at-all/reset_spend", new JsonObject().put("reset_to", 0))));
        })
        .compose(refusals -> {
          List<HttpResponse<Buffer>> r = refusals.list();
          ctx.verify(() -> {
            assertEquals(400, r.get(0).statusCode(), r.get(0).bodyAsString());
            assertTrue(message(r.get(0)).startsWith("reset_to (1.0) must be <= current spend (0.04"), message(r.get(0)));
            assertEquals(400, r.get(1).statusCode());
            assertEquals("reset_to must be >= 0", message(r.get(1)));
            assertEquals("reset_to must be a float", message(r.get(2)));
            assertEquals(404, r.get(3).statusCode());
            assertTrue(!r.get(3).bodyAsString().contains("sk-no-such-key-at-all"), "never the key's value");
          });
          // Named by its hash this time, as LiteLLM takes either.
          return post("/key/" + KeySecrets.hash(key[0]) + "/reset_spend", new JsonObject().put("reset_to", 0.01));
        })
        .compose(reset -> {
          ctx.verify(() -> {
            assertEquals(200, reset.statusCode(), reset.bodyAsString());
            JsonObject body = reset.bodyAsJsonObject();
            assertEquals(RESET_FIELDS, body.fieldNames());
            assertEquals(KeySecrets.hash(key[0]), body.getString("key_hash"));
            assertEquals(0.01, body.getDouble("spend"));
            assertEquals(0.04, body.getDouble("previous_spend"), 1e-9);
            assertEquals(0.03, body.getDouble("max_budget"));
            assertNotNull(body.getString("budget_reset_at"), "a 30d budget resets");
          });
          return chat(key[0]);
        })
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), "served again at once: " + served.bodyAsString()));
          return written(vertx, 4).compose(written -> chat(key[0]));
        })
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          // $0.01 + $0.02 reaches the budget again: enforcement counts from the reset value.
          assertEquals(400, refused.statusCode(), refused.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_key_over_budget_is_served_again_after_reset_spend_with_budgets_in_memory(Vertx vertx, VertxTestContext ctx) {
    served_again_after_reset_spend(vertx, ctx, "memory");
  }

  @Test
  void a_key_over_budget_is_served_again_after_reset_spend_with_reservations_in_postgres(Vertx vertx,
      VertxTestContext ctx) {
    served_again_after_reset_spend(vertx, ctx, "database");
  }

  @Test
  void the_global_reset_zeroes_every_key_and_team_and_serves_them_again(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    gateway("memory")
        .compose(g -> post("/team/new", new JsonObject().put("team_id", "t1").put("max_budget", 0.03)))
        .compose(team -> keyOverBudget(vertx, ctx, new JsonObject().put("team_id", "t1")))
        .compose(k -> {
          key[0] = k;
          return post("/global/spend/reset", new JsonObject());
        })
        .compose(reset -> {
          ctx.verify(() -> {
            assertEquals(200, reset.statusCode(), reset.bodyAsString());
            assertEquals(new JsonObject().put("message", "Spend for all API Keys and Teams reset successfully")
                .put("status", "success"), reset.bodyAsJsonObject());
          });
          return chat(key[0]);
        })
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), served.bodyAsString()));
          return client.get(gateway.port(), "127.0.0.1", "/team/info?team_id=t1")
              .putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(team -> ctx.verify(() -> {
          // Only the chat after the reset counts, once written; before that 0.
          double spend = team.bodyAsJsonObject().getJsonObject("team_info").getDouble("spend");
          assertTrue(spend <= 0.02 + 1e-9, "team spend reset: " + spend);
          ctx.completeNow();
        })));
  }

  /**
   * LiteLLM checks reset_to against its key's spend column, which it zeroes each budget period, and
   * against the lower of the key's and its linked budget's max_budget: here the key's spend in its
   * current period, whatever its lifetime spend column holds.
   */
  @Test
  void reset_to_is_checked_against_the_periods_spend_and_the_lower_budget(Vertx vertx, VertxTestContext ctx) {
    String url = TestDatabase.newDatabaseUrl();
    Pool[] pool = new Pool[1];
    String[] key = new String[1];
    gateway("memory", url)
        .compose(g -> post("/budget/new", new JsonObject().put("budget_id", "small").put("max_budget", 0.03)))
        .compose(budget -> keyOverBudget(vertx, ctx, new JsonObject().put("budget_id", "small")
            .put("budget_duration", "30d")))
        .compose(k -> {
          key[0] = k;
          // as if earlier periods had spent $5: the lifetime column, not what this period's budget reads
          pool[0] = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
          return pool[0].preparedQuery("UPDATE virtual_keys SET spend = 5.0, max_budget = 10.0 WHERE token_hash = $1")
              .execute(Tuple.of(KeySecrets.hash(k)));
        })
        .compose(updated -> Future.all(
            post("/key/" + key[0] + "/reset_spend", new JsonObject().put("reset_to", 1.0)),
            post("/key/" + key[0] + "/reset_spend", new JsonObject().put("reset_to", 0.035))))
        .compose(both -> {
          ctx.verify(() -> {
            HttpResponse<Buffer> aboveSpend = both.resultAt(0);
            HttpResponse<Buffer> aboveBudget = both.resultAt(1);
            assertEquals(400, aboveSpend.statusCode(), aboveSpend.bodyAsString());
            assertTrue(message(aboveSpend).startsWith("reset_to (1.0) must be <= current spend (0.04"), message(aboveSpend));
            assertEquals(400, aboveBudget.statusCode(), aboveBudget.bodyAsString());
            assertEquals("reset_to (0.035) must be <= budget (0.03)", message(aboveBudget),
                "the linked budget's $0.03, not the key's own $10");
          });
          return post("/key/" + key[0] + "/reset_spend", new JsonObject().put("reset_to", 0.0));
        })
        .eventually(() -> pool[0] == null ? Future.succeededFuture() : pool[0].close())
        .onComplete(ctx.succeeding(reset -> ctx.verify(() -> {
          assertEquals(200, reset.statusCode(), reset.bodyAsString());
          assertEquals(0.04, reset.bodyAsJsonObject().getDouble("previous_spend"), 1e-9);
          ctx.completeNow();
        })));
  }

  private static String message(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("message");
  }
}
