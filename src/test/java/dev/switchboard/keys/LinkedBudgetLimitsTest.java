package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.bus.Addresses;
import dev.switchboard.model.BudgetAlert;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A budget's limits beyond max_budget (LiteLLM's budget table: rpm_limit, tpm_limit,
 * max_parallel_requests, soft_budget, model_max_budget) hold for the keys, users and teams that link
 * it by budget_id, as their own limits would; customers and organizations cannot link them. Each
 * chat costs $0.02 and uses 15 tokens (the mock's 10 prompt and 5 output).
 */
@ExtendWith(VertxExtension.class)
class LinkedBudgetLimitsTest {

  private static final String MASTER = "sk-master-linked-budgets";

  @RegisterExtension
  final GatewayExtension gw = PricedGateway.extension(MASTER, "chat", "other");

  private final PricedGateway calls = new PricedGateway(gw, MASTER);

  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi(model));
  }

  private Future<Void> written(int rows) {
    return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= rows, 20_000);
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  /** The refusal a key's own limit gives: 429, OpenAI's rate-limit error naming the limit, Retry-After, no secret. */
  private static void assertLimited(HttpResponse<Buffer> response, String limit, String key) {
    assertEquals(429, response.statusCode(), response.bodyAsString());
    JsonObject error = error(response);
    assertEquals("rate_limit_error", error.getString("type"));
    assertEquals("rate_limit_exceeded", error.getString("code"));
    assertEquals(limit, error.getString("param"), error.encode());
    assertTrue(response.getHeader("Retry-After") != null, "Retry-After");
    assertFalse(response.bodyAsString().contains(key), "never the key");
  }

  /** Two chats by a new key made with {@code keyFields}: the second answer. */
  private Future<HttpResponse<Buffer>> secondOfTwo(JsonObject keyFields, String[] key) {
    return calls.admin("/key/generate", keyFields)
        .compose(made -> {
          key[0] = made.getString("key");
          return chat(key[0], "chat");
        })
        .compose(first -> {
          assertEquals(200, first.statusCode(), first.bodyAsString());
          return chat(key[0], "chat");
        });
  }

  @Test
  void a_linked_budgets_rate_limits_refuse_its_keys_users_and_teams_as_their_own_do(VertxTestContext ctx) {
    String[] byKey = new String[1];
    String[] byUser = new String[1];
    String[] byTeam = new String[1];
    calls.admin("/budget/new", new JsonObject().put("budget_id", "rpm-one").put("rpm_limit", 1))
        .compose(budget -> {
          ctx.verify(() -> assertEquals(1, budget.getInteger("rpm_limit")));
          return calls.admin("/budget/new", new JsonObject().put("budget_id", "tpm-ten").put("tpm_limit", 10));
        })
        .compose(budget -> calls.admin("/budget/new", new JsonObject().put("budget_id", "team-rpm").put("rpm_limit", 5)))
        .compose(budget -> calls.admin("/user/new", new JsonObject().put("user_id", "u-tpm").put("budget_id", "tpm-ten")
            .put("auto_create_key", false)))
        .compose(user -> calls.admin("/team/new", new JsonObject().put("team_id", "t-rpm").put("budget_id", "team-rpm")))
        // the team's own limit is 5 until its budget is changed to 1: the change applies from the next request
        .compose(team -> calls.admin("/budget/update", new JsonObject().put("budget_id", "team-rpm").put("rpm_limit", 1)))
        .compose(updated -> secondOfTwo(new JsonObject().put("budget_id", "rpm-one"), byKey))
        .compose(second -> {
          ctx.verify(() -> assertLimited(second, "rpm_limit", byKey[0]));
          return secondOfTwo(new JsonObject().put("user_id", "u-tpm"), byUser);
        })
        .compose(second -> {
          ctx.verify(() -> assertLimited(second, "tpm_limit", byUser[0]));
          return secondOfTwo(new JsonObject().put("team_id", "t-rpm"), byTeam);
        })
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertLimited(second, "rpm_limit", byTeam[0]);
          assertTrue(error(second).getString("message").contains("t-rpm"), error(second).encode());
          ctx.completeNow();
        })));
  }

  @Test
  void a_linked_budgets_parallel_limit_refuses_a_second_request_in_flight(VertxTestContext ctx) {
    gw.mock().hold("chat");
    String[] key = new String[1];
    List<Future<HttpResponse<Buffer>>> first = new CopyOnWriteArrayList<>();
    calls.admin("/budget/new", new JsonObject().put("budget_id", "one-at-once").put("max_parallel_requests", 1))
        .compose(budget -> calls.admin("/key/generate", new JsonObject().put("budget_id", "one-at-once")))
        .compose(made -> {
          key[0] = made.getString("key");
          first.add(chat(key[0], "chat"));
          return Awaits.until(gw.vertx(), () -> gw.mock().received().size() == 1, 10_000);
        })
        .compose(inFlight -> chat(key[0], "chat"))
        .compose(second -> {
          ctx.verify(() -> assertLimited(second, "max_parallel_requests", key[0]));
          gw.mock().releaseHeld("chat");
          return first.get(0);
        })
        .onComplete(ctx.succeeding(answered -> ctx.verify(() -> {
          assertEquals(200, answered.statusCode(), answered.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_linked_budgets_soft_and_per_model_budgets_hold_for_its_key(VertxTestContext ctx) {
    List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
    gw.gateway().vertx().eventBus().<BudgetAlert>localConsumer(Addresses.ALERTS, message -> alerts.add(message.body()));
    JsonObject perModel = new JsonObject().put("chat", new JsonObject().put("budget_limit", 0.01).put("time_period", "1d"));
    String[] key = new String[1];
    calls.admin("/budget/new", new JsonObject().put("budget_id", "shaped").put("soft_budget", 0.01)
            .put("model_max_budget", perModel))
        .compose(budget -> {
          ctx.verify(() -> {
            assertEquals(0.01, budget.getDouble("soft_budget"));
            assertEquals(perModel, budget.getJsonObject("model_max_budget"));
          });
          return calls.admin("/key/generate", new JsonObject().put("key_alias", "shaped-key").put("budget_id", "shaped"));
        })
        .compose(made -> {
          key[0] = made.getString("key");
          return chat(key[0], "chat");
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return written(1);
        })
        .compose(settled -> chat(key[0], "chat"))
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            assertTrue(error(refused).getString("message").endsWith("key_alias: shaped-key, exceeded budget for model=chat"),
                refused.bodyAsString());
          });
          return chat(key[0], "other");
        })
        .onComplete(ctx.succeeding(other -> ctx.verify(() -> {
          assertEquals(200, other.statusCode(), "only the spent model is refused: " + other.bodyAsString());
          assertEquals(1, alerts.size(), "the first $0.02 crossed the soft budget: " + alerts);
          assertEquals("key", alerts.get(0).scope());
          assertEquals("shaped-key", alerts.get(0).name());
          assertEquals(0.01, alerts.get(0).softBudget(), 1e-9);
          ctx.completeNow();
        })));
  }

  @Test
  void customers_and_organizations_cannot_link_limits_they_would_not_enforce(VertxTestContext ctx) {
    calls.admin("/budget/new", new JsonObject().put("budget_id", "limited").put("max_budget", 5.0).put("rpm_limit", 5))
        .compose(limited -> calls.admin("/budget/new", new JsonObject().put("budget_id", "plain").put("max_budget", 5.0)))
        .compose(plain -> calls.admin("/customer/new", new JsonObject().put("user_id", "c-plain").put("budget_id", "plain")))
        .compose(customer -> Future.all(List.of(
            calls.send("/customer/new", new JsonObject().put("user_id", "c-limited").put("budget_id", "limited")),
            calls.send("/customer/update", new JsonObject().put("user_id", "c-plain").put("budget_id", "limited")),
            calls.send("/organization/new", new JsonObject().put("organization_alias", "o").put("budget_id", "limited")),
            calls.send("/budget/update", new JsonObject().put("budget_id", "plain").put("soft_budget", 1.0)),
            calls.send("/budget/new", new JsonObject().put("budget_reset_at", "2030-01-01T00:00:00Z")),
            calls.send("/budget/new", new JsonObject().put("model_max_budget", new JsonObject().put("chat", 1))),
            calls.send("/budget/update", new JsonObject().put("budget_id", "plain").put("max_budget", 6.0)))))
        .compose(all -> {
          List<HttpResponse<Buffer>> r = all.list();
          ctx.verify(() -> {
            for (int i = 0; i < 3; i++) {
              assertEquals(400, r.get(i).statusCode(), r.get(i).bodyAsString());
              assertEquals("budget_id", error(r.get(i)).getString("param"));
              assertTrue(error(r.get(i)).getString("message").contains("rpm_limit"), r.get(i).bodyAsString());
            }
            assertEquals(400, r.get(3).statusCode(), r.get(3).bodyAsString());
            assertEquals("soft_budget", error(r.get(3)).getString("param"));
            assertEquals("budget_reset_at", error(r.get(4)).getString("param"));
            assertEquals("model_max_budget", error(r.get(5)).getString("param"));
            assertEquals(200, r.get(6).statusCode(), "max_budget holds for customers: " + r.get(6).bodyAsString());
          });
          return calls.send("/budget/info", new JsonObject().put("budgets", new JsonArray().add("plain")));
        })
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          JsonObject plain = info.bodyAsJsonArray().getJsonObject(0);
          assertEquals(null, plain.getValue("soft_budget"), "the refused update changed nothing");
          assertEquals(6.0, plain.getDouble("max_budget"));
          ctx.completeNow();
        })));
  }
}
