package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.bus.Addresses;
import dev.switchboard.model.BudgetAlert;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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
 * LiteLLM's model_max_budget on users and teams, and soft_budget on teams, held for their keys as on
 * keys: a spent model refused alone, a crossed soft budget alerted and never refused; also when they
 * come from the budget the team links. Each chat costs $0.02.
 */
@ExtendWith(VertxExtension.class)
class TeamUserBudgetsTest {

  private static final String MASTER = "sk-master-team-user-budgets";

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

  private static JsonObject capped(String model) {
    return new JsonObject().put(model, new JsonObject().put("budget_limit", 0.01).put("time_period", "1d"));
  }

  /**
   * A key made with {@code keyFields} spends {@code capped} once; then that model is refused naming
   * {@code who}, and the other model is served. Resolves when all that held.
   */
  private Future<Void> cappedModel(VertxTestContext ctx, JsonObject keyFields, String capped, String other,
      String who, int rowsBefore) {
    String[] key = new String[1];
    return calls.admin("/key/generate", keyFields)
        .compose(made -> {
          key[0] = made.getString("key");
          return chat(key[0], capped);
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return written(rowsBefore + 1);
        })
        .compose(settled -> chat(key[0], capped))
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            assertEquals("budget_exceeded", error(refused).getString("type"));
            assertTrue(error(refused).getString("message").contains(who + " on model '" + capped + "'"),
                refused.bodyAsString());
          });
          return chat(key[0], other);
        })
        .map(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), "only the spent model: " + served.bodyAsString()));
          return null;
        });
  }

  @Test
  void team_and_user_per_model_and_soft_budgets_hold_for_their_keys(VertxTestContext ctx) {
    List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
    gw.gateway().vertx().eventBus().<BudgetAlert>localConsumer(Addresses.ALERTS, message -> alerts.add(message.body()));
    calls.admin("/team/new", new JsonObject().put("team_id", "t-shaped").put("soft_budget", 0.01)
            .put("model_max_budget", capped("chat")))
        .compose(team -> {
          ctx.verify(() -> {
            assertEquals(0.01, team.getDouble("soft_budget"));
            assertEquals(capped("chat"), team.getJsonObject("model_max_budget"));
          });
          return calls.admin("/user/new", new JsonObject().put("user_id", "u-shaped").put("auto_create_key", false)
              .put("model_max_budget", capped("other")));
        })
        .compose(user -> cappedModel(ctx, new JsonObject().put("team_id", "t-shaped"), "chat", "other", "Team 't-shaped'", 0))
        .compose(team -> {
          ctx.verify(() -> {
            assertEquals(1, alerts.size(), "the team's first $0.02 crossed its soft budget: " + alerts);
            assertEquals("team", alerts.get(0).scope());
            assertEquals("t-shaped", alerts.get(0).name());
          });
          return cappedModel(ctx, new JsonObject().put("user_id", "u-shaped"), "other", "chat", "User 'u-shaped'", 2);
        })
        .onComplete(ctx.succeeding(done -> ctx.completeNow()));
  }

  @Test
  void a_teams_linked_budget_brings_its_per_model_and_soft_budgets(VertxTestContext ctx) {
    List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
    gw.gateway().vertx().eventBus().<BudgetAlert>localConsumer(Addresses.ALERTS, message -> alerts.add(message.body()));
    calls.admin("/budget/new", new JsonObject().put("budget_id", "team-shape").put("soft_budget", 0.01)
            .put("model_max_budget", capped("chat")))
        .compose(budget -> calls.admin("/team/new", new JsonObject().put("team_id", "t-linked").put("budget_id", "team-shape")))
        .compose(team -> cappedModel(ctx, new JsonObject().put("team_id", "t-linked"), "chat", "other", "Team 't-linked'", 0))
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertEquals(1, alerts.size(), alerts.toString());
          assertEquals("team", alerts.get(0).scope());
          ctx.completeNow();
        })));
  }

  @Test
  void a_users_linked_soft_budget_alerts_naming_the_user(VertxTestContext ctx) {
    List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
    gw.gateway().vertx().eventBus().<BudgetAlert>localConsumer(Addresses.ALERTS, message -> alerts.add(message.body()));
    calls.admin("/budget/new", new JsonObject().put("budget_id", "user-soft").put("soft_budget", 0.01))
        .compose(budget -> calls.admin("/user/new", new JsonObject().put("user_id", "u-soft").put("budget_id", "user-soft")
            .put("auto_create_key", false)))
        .compose(user -> calls.admin("/key/generate", new JsonObject().put("user_id", "u-soft")))
        .compose(made -> chat(made.getString("key"), "chat"))
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), served.bodyAsString()));
          return written(1);
        })
        .compose(settled -> Awaits.until(gw.vertx(), () -> !alerts.isEmpty(), 10_000))
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertEquals(1, alerts.size(), alerts.toString());
          assertEquals("user", alerts.get(0).scope());
          assertEquals("u-soft", alerts.get(0).name());
          ctx.completeNow();
        })));
  }

  @Test
  void their_fields_are_checked_as_on_keys(VertxTestContext ctx) {
    Future.all(List.of(
            calls.send("/team/new", new JsonObject().put("model_max_budget", new JsonObject().put("chat", 1))),
            calls.send("/user/new", new JsonObject().put("model_max_budget",
                new JsonObject().put("chat", new JsonObject().put("budget_limit", 1).put("rpm_limit", 5)))),
            calls.send("/team/new", new JsonObject().put("soft_budget", -1)),
            calls.send("/user/new", new JsonObject().put("soft_budget", 1))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          assertEquals("model_max_budget", error(r.get(0)).getString("param"));
          assertEquals("model_max_budget", error(r.get(1)).getString("param"));
          assertEquals("soft_budget", error(r.get(2)).getString("param"));
          assertEquals(400, r.get(3).statusCode(), "LiteLLM's users have no soft_budget");
          assertEquals("soft_budget", error(r.get(3)).getString("param"));
          ctx.completeNow();
        })));
  }
}
