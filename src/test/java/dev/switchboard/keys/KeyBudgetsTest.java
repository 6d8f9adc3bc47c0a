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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key's LiteLLM budgets beyond max_budget: {@code model_max_budget} refuses only the model that
 * is spent, {@code soft_budget} is alerted once and never refuses, {@code budget_id} brings a reusable
 * budget's limit. Each chat here costs $0.02 (the mock's 10 prompt tokens at $0.001, 5 output at $0.002).
 */
@ExtendWith(VertxExtension.class)
class KeyBudgetsTest {

  private static final String MASTER = "sk-master-key-budgets";

  @RegisterExtension
  final GatewayExtension gw = PricedGateway.extension(MASTER, "chat", "other");

  private final PricedGateway calls = new PricedGateway(gw, MASTER);



  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi(model));
  }

  /** Budgets are shared through Postgres here: a request's cost counts once its row is written. */
  private Future<Void> written(int rows) {
    return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= rows, 20_000);
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void a_spent_model_budget_refuses_that_model_alone_in_litellms_words(VertxTestContext ctx) {
    JsonObject perModel = new JsonObject().put("chat", new JsonObject().put("budget_limit", 0.01).put("time_period", "1d"));
    String[] key = new String[1];
    calls.admin("/key/generate", new JsonObject().put("key_alias", "capped").put("model_max_budget", perModel))
        .compose(made -> {
          key[0] = made.getString("key");
          ctx.verify(() -> assertEquals(perModel, made.getJsonObject("model_max_budget")));
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
            assertEquals("budget_exceeded", error(refused).getString("type"));
            String message = error(refused).getString("message");
            assertTrue(message.startsWith("LiteLLM Virtual Key: sk-..."), message);
            assertTrue(message.endsWith(", key_alias: capped, exceeded budget for model=chat"), message);
            assertFalse(message.contains(key[0]), "never the key itself");
          });
          return chat(key[0], "other");
        })
        .compose(other -> {
          ctx.verify(() -> assertEquals(200, other.statusCode(), "the other model is not capped: " + other.bodyAsString()));
          return gw.get("/key/info?key=" + key[0]).putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertEquals(perModel, info.bodyAsJsonObject().getJsonObject("info").getJsonObject("model_max_budget"));
          ctx.completeNow();
        })));
  }

  @Test
  void model_max_budget_entries_are_checked(VertxTestContext ctx) {
    Future.all(List.of(
            calls.send("/key/generate", new JsonObject().put("model_max_budget", new JsonObject().put("chat", 1))),
            calls.send("/key/generate", new JsonObject().put("model_max_budget",
                new JsonObject().put("chat", new JsonObject().put("budget_limit", 1).put("time_period", "often")))),
            calls.send("/key/generate", new JsonObject().put("model_max_budget",
                new JsonObject().put("chat", new JsonObject().put("budget_limit", 1).put("rpm_limit", 5)))),
            calls.send("/key/generate", new JsonObject().put("soft_budget", -1))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          for (int i = 0; i < 3; i++) {
            assertEquals(400, r.get(i).statusCode(), r.get(i).bodyAsString());
            assertEquals("model_max_budget", error(r.get(i)).getString("param"));
          }
          assertTrue(error(r.get(2)).getString("message").contains("model_rpm_limit"), r.get(2).bodyAsString());
          assertEquals("soft_budget", error(r.get(3)).getString("param"));
          ctx.completeNow();
        })));
  }

  @Test
  void crossing_a_soft_budget_is_recorded_and_alerted_once_and_never_refused(VertxTestContext ctx) {
    List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
    gw.gateway().vertx().eventBus().<BudgetAlert>localConsumer(Addresses.ALERTS, message -> alerts.add(message.body()));
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Logger spendLog = Logger.getLogger("dev.switchboard.spend");
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel() == Level.WARNING) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    spendLog.addHandler(capture);
    String[] key = new String[1];
    calls.admin("/key/generate", new JsonObject().put("key_alias", "soft").put("soft_budget", 0.03))
        .compose(made -> {
          key[0] = made.getString("key");
          ctx.verify(() -> assertEquals(0.03, made.getDouble("soft_budget")));
          return chat(key[0], "chat");
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return written(1);
        })
        .compose(settled -> {
          ctx.verify(() -> assertTrue(alerts.isEmpty(), "$0.02 is under the soft budget"));
          return chat(key[0], "chat");
        })
        .compose(second -> {
          ctx.verify(() -> assertEquals(200, second.statusCode(), "a soft budget never refuses"));
          return written(2);
        })
        .compose(settled -> chat(key[0], "chat"))
        .compose(third -> {
          ctx.verify(() -> assertEquals(200, third.statusCode(), third.bodyAsString()));
          return written(3);
        })
        .compose(settled -> Future.all(
            gw.get("/key/info?key=" + key[0]).putHeader("Authorization", "Bearer " + MASTER).send(),
            gw.get("/metrics").send()))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          spendLog.removeHandler(capture);
          assertEquals(1, alerts.size(), "one crossing, one alert: " + alerts);
          BudgetAlert alert = alerts.get(0);
          assertEquals("soft_budget_crossed", alert.type());
          assertEquals("key", alert.scope());
          assertEquals("soft", alert.name());
          assertEquals(0.04, alert.spend(), 1e-9);
          assertEquals(0.03, alert.softBudget(), 1e-9);
          assertEquals(1, warnings.size(), "one WARNING line");
          String line = warnings.get(0).getMessage();
          assertTrue(line.contains("soft") && !line.contains(key[0]), line);
          JsonObject info = both.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject().getJsonObject("info");
          assertEquals(0.03, info.getDouble("soft_budget"));
          assertEquals(true, info.getBoolean("soft_budget_cooldown"));
          String metrics = both.<HttpResponse<Buffer>>resultAt(1).bodyAsString();
          assertTrue(metrics.contains("switchboard_soft_budget_crossed_total{scope=\"key\"} 1.0"), metrics);
          ctx.completeNow();
        })));
  }

  @Test
  void a_linked_budget_limits_the_key_and_must_exist(VertxTestContext ctx) {
    String[] key = new String[1];
    calls.send("/key/generate", new JsonObject().put("budget_id", "ghost"))
        .compose(ghost -> {
          ctx.verify(() -> {
            assertEquals(400, ghost.statusCode(), ghost.bodyAsString());
            assertEquals("budget_id", error(ghost).getString("param"));
            assertTrue(error(ghost).getString("message").contains("ghost"), ghost.bodyAsString());
          });
          return calls.admin("/budget/new", new JsonObject().put("budget_id", "tiny").put("max_budget", 0.01));
        })
        .compose(budget -> calls.admin("/key/generate", new JsonObject().put("budget_id", "tiny")))
        .compose(made -> {
          key[0] = made.getString("key");
          ctx.verify(() -> assertEquals("tiny", made.getString("budget_id")));
          return chat(key[0], "chat");
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return written(1);
        })
        .compose(settled -> chat(key[0], "other"))
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(400, refused.statusCode(), refused.bodyAsString());
          assertEquals("budget_exceeded", error(refused).getString("type"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_teams_linked_budget_holds_its_keys_and_a_users_must_exist(VertxTestContext ctx) {
    String[] key = new String[1];
    calls.send("/user/new", new JsonObject().put("user_id", "u-ghost").put("budget_id", "ghost"))
        .compose(ghost -> {
          ctx.verify(() -> {
            assertEquals(400, ghost.statusCode(), ghost.bodyAsString());
            assertEquals("budget_id", error(ghost).getString("param"));
          });
          return calls.admin("/budget/new", new JsonObject().put("budget_id", "team-tiny").put("max_budget", 0.01));
        })
        .compose(budget -> calls.admin("/team/new", new JsonObject().put("team_id", "t-linked").put("budget_id", "team-tiny")))
        .compose(team -> calls.admin("/key/generate", new JsonObject().put("team_id", "t-linked")))
        .compose(made -> {
          key[0] = made.getString("key");
          return chat(key[0], "chat");
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return written(1);
        })
        .compose(settled -> chat(key[0], "chat"))
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(400, refused.statusCode(), refused.bodyAsString());
          assertTrue(error(refused).getString("message").contains("Team 't-linked'"), refused.bodyAsString());
          ctx.completeNow();
        })));
  }
}
