package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM's /budget/* API: rows in LiteLLM's shape, unenforced limits refused, a budget in use kept. */
@ExtendWith(VertxExtension.class)
class BudgetsApiTest {

  private static final String MASTER = "sk-master-budget-api";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> send(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void budgets_have_litellms_shapes_and_one_in_use_is_not_deleted(VertxTestContext ctx) {
    send("/budget/new", new JsonObject().put("budget_id", "pro").put("max_budget", 10.0).put("budget_duration", "30d"))
        .compose(made -> {
          ctx.verify(() -> {
            assertEquals(200, made.statusCode(), made.bodyAsString());
            JsonObject budget = made.bodyAsJsonObject();
            assertEquals("pro", budget.getString("budget_id"));
            assertEquals(10.0, budget.getDouble("max_budget"));
            assertEquals("30d", budget.getString("budget_duration"));
            assertNull(budget.getValue("soft_budget"));
            assertNull(budget.getValue("tpm_limit"));
            assertEquals("default_user_id", budget.getString("created_by"));
            assertNotNull(budget.getString("created_at"));
          });
          return Future.all(List.of(
              send("/budget/new", new JsonObject().put("budget_id", "pro")),
              send("/budget/new", new JsonObject().put("budget_reset_at", "2030-01-01T00:00:00Z")),
              send("/budget/new", new JsonObject().put("budget_duration", "fortnight")),
              send("/budget/update", new JsonObject().put("budget_id", "ghost").put("max_budget", 1.0)),
              send("/budget/info", new JsonObject().put("budgets", new JsonArray()))));
        })
        .compose(all -> {
          List<HttpResponse<Buffer>> r = all.list();
          ctx.verify(() -> {
            assertEquals(400, r.get(0).statusCode(), "the id is taken");
            assertEquals("budget_reset_at", error(r.get(1)).getString("param"));
            assertEquals("budget_duration", error(r.get(2)).getString("param"));
            assertEquals(404, r.get(3).statusCode());
            assertEquals(400, r.get(4).statusCode());
          });
          return send("/budget/update", new JsonObject().put("budget_id", "pro").put("max_budget", 20.0));
        })
        .compose(updated -> {
          ctx.verify(() -> assertEquals(20.0, updated.bodyAsJsonObject().getDouble("max_budget")));
          return send("/budget/info", new JsonObject().put("budgets", new JsonArray().add("pro").add("ghost")));
        })
        .compose(info -> {
          ctx.verify(() -> {
            assertEquals(1, info.bodyAsJsonArray().size(), "the budgets that exist");
            assertEquals(20.0, info.bodyAsJsonArray().getJsonObject(0).getDouble("max_budget"));
          });
          return send("/customer/new", new JsonObject().put("user_id", "c1").put("budget_id", "pro"));
        })
        .compose(customer -> send("/budget/delete", new JsonObject().put("id", "pro")))
        .compose(inUse -> {
          ctx.verify(() -> {
            assertEquals(400, inUse.statusCode(), inUse.bodyAsString());
            assertEquals("id", error(inUse).getString("param"));
          });
          return send("/customer/delete", new JsonObject().put("user_ids", new JsonArray().add("c1")));
        })
        .compose(gone -> send("/budget/delete", new JsonObject().put("id", "pro")))
        .compose(deleted -> {
          ctx.verify(() -> {
            assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
            assertEquals("pro", deleted.bodyAsJsonObject().getString("budget_id"));
          });
          return gw.get("/budget/list").putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
          assertEquals(new JsonArray(), list.bodyAsJsonArray());
          ctx.completeNow();
        })));
  }
}
