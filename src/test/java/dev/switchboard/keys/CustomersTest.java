package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LiteLLM's /customer/* API, and its enforcement on requests naming a customer in {@code user}:
 * a blocked customer is refused before the provider is called, one over its budget too. Each chat
 * here costs $0.02 (the mock's 10 prompt tokens at $0.001 and 5 output at $0.002).
 */
@ExtendWith(VertxExtension.class)
class CustomersTest {

  private static final String MASTER = "sk-master-customers";

  @RegisterExtension
  final GatewayExtension gw = PricedGateway.extension(MASTER, "chat");

  private final PricedGateway calls = new PricedGateway(gw, MASTER);




  private Future<HttpResponse<Buffer>> chat(String user) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat("chat").user("Hi").put("user", user).build());
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void customers_have_litellms_shapes_and_refuse_what_is_not_enforced(VertxTestContext ctx) {
    calls.admin("/customer/new", new JsonObject().put("user_id", "acme").put("alias", "Acme").put("max_budget", 5.0)
            .put("budget_duration", "30d"))
        .compose(made -> {
          ctx.verify(() -> {
            assertEquals("acme", made.getString("user_id"));
            assertEquals("Acme", made.getString("alias"));
            assertEquals(false, made.getBoolean("blocked"));
            assertEquals(0.0, made.getDouble("spend"));
            assertTrue(made.containsKey("allowed_model_region") && made.containsKey("default_model"));
            JsonObject budget = made.getJsonObject("litellm_budget_table");
            assertEquals(5.0, budget.getDouble("max_budget"));
            assertEquals("30d", budget.getString("budget_duration"));
            assertEquals(made.getString("budget_id"), budget.getString("budget_id"));
          });
          return calls.get("/customer/info?end_user_id=acme");
        })
        .compose(info -> {
          ctx.verify(() -> {
            assertEquals(200, info.statusCode(), info.bodyAsString());
            JsonObject body = info.bodyAsJsonObject();
            assertEquals("acme", body.getString("user_id"));
            assertFalse(body.containsKey("default_model"), "info leaves unset fields out, as LiteLLM's");
            assertEquals(5.0, body.getJsonObject("litellm_budget_table").getDouble("max_budget"));
          });
          return Future.all(List.of(
              calls.send("/customer/new", new JsonObject().put("user_id", "acme")),
              calls.send("/customer/new", new JsonObject().put("user_id", "b").put("soft_budget", 1.0)),
              calls.send("/customer/new", new JsonObject().put("user_id", "b").put("allowed_model_region", "eu")),
              calls.send("/customer/new", new JsonObject().put("user_id", "b").put("budget_id", "nope")),
              calls.send("/customer/new", new JsonObject().put("user_id", "b").put("budget_id", "x").put("max_budget", 1.0)),
              calls.get("/customer/info?end_user_id=ghost"),
              calls.send("/customer/delete", new JsonObject().put("user_ids", new JsonArray().add("acme").add("ghost")))));
        })
        .compose(all -> {
          List<HttpResponse<Buffer>> r = all.list();
          ctx.verify(() -> {
            assertEquals(400, r.get(0).statusCode());
            assertEquals("Customer already exists, passed user_id=acme. Please pass a new user_id.",
                error(r.get(0)).getString("message"));
            assertEquals(400, r.get(1).statusCode());
            assertEquals("soft_budget", error(r.get(1)).getString("param"));
            assertEquals("allowed_model_region", error(r.get(2)).getString("param"));
            assertEquals(400, r.get(3).statusCode(), r.get(3).bodyAsString());
            assertEquals("budget_id", error(r.get(3)).getString("param"));
            assertEquals(400, r.get(4).statusCode());
            assertEquals(404, r.get(5).statusCode());
            assertEquals("End User Id=ghost does not exist in db", error(r.get(5)).getString("message"));
            assertEquals(404, r.get(6).statusCode(), "one missing id deletes nothing");
          });
          return calls.admin("/customer/update", new JsonObject().put("user_id", "acme").put("max_budget", 7.0));
        })
        .compose(updated -> {
          ctx.verify(() -> assertEquals(7.0, updated.getJsonObject("litellm_budget_table").getDouble("max_budget")));
          return calls.get("/end_user/list");
        })
        .compose(list -> {
          ctx.verify(() -> {
            assertEquals(200, list.statusCode());
            JsonArray all = list.bodyAsJsonArray();
            assertEquals(1, all.size());
            assertEquals("acme", all.getJsonObject(0).getString("user_id"));
          });
          return calls.admin("/customer/delete", new JsonObject().put("user_ids", new JsonArray().add("acme")));
        })
        .onComplete(ctx.succeeding(deleted -> ctx.verify(() -> {
          assertEquals(1, deleted.getInteger("deleted_customers"));
          assertEquals("Successfully deleted customers with ids: ['acme']", deleted.getString("message"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_blocked_customer_is_refused_before_the_provider_and_unblocking_restores_it(VertxTestContext ctx) {
    int[] before = new int[1];
    calls.admin("/customer/new", new JsonObject().put("user_id", "mallory"))
        .compose(made -> chat("mallory"))
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), served.bodyAsString()));
          return calls.admin("/customer/block", new JsonObject().put("user_ids", new JsonArray().add("mallory")));
        })
        .compose(blocked -> {
          ctx.verify(() -> assertEquals(true, blocked.getJsonArray("blocked_users").getJsonObject(0).getBoolean("blocked")));
          before[0] = gw.mock().received().size();
          return chat("mallory");
        })
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            assertEquals("User blocked from making LLM API Calls. User=mallory", error(refused).getString("message"));
            assertEquals("invalid_request_error", error(refused).getString("type"));
            assertEquals(before[0], gw.mock().received().size(), "the provider was not called");
          });
          // LiteLLM's standard header names the customer too, without `user` in the body.
          return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
              .putHeader("x-litellm-end-user-id", "mallory").sendJsonObject(Requests.hi("chat"));
        })
        .compose(byHeader -> {
          ctx.verify(() -> {
            assertEquals(400, byHeader.statusCode(), byHeader.bodyAsString());
            assertEquals("User blocked from making LLM API Calls. User=mallory", error(byHeader).getString("message"));
          });
          return calls.admin("/customer/unblock", new JsonObject().put("user_ids", new JsonArray().add("mallory")));
        })
        .compose(unblocked -> {
          ctx.verify(() -> assertEquals(new JsonArray(), unblocked.getJsonArray("blocked_users")));
          return chat("mallory");
        })
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), served.bodyAsString()));
          // A stream lets its body go when its answer begins: whom it is for was read before.
          return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
              .sendJsonObject(Requests.chat("chat").user("Hi").put("user", "mallory").stream().build());
        })
        .compose(streamed -> {
          ctx.verify(() -> {
            assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
            assertTrue(streamed.bodyAsString().contains("[DONE]"));
          });
          // Five requests, refusals included, five rows: the stream's too.
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 5, 20_000);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_customer_over_its_budget_is_refused_and_its_spend_is_recorded(VertxTestContext ctx) {
    calls.admin("/budget/new", new JsonObject().put("budget_id", "tiny").put("max_budget", 0.01))
        .compose(budget -> calls.admin("/customer/new", new JsonObject().put("user_id", "frugal").put("budget_id", "tiny")))
        .compose(made -> chat("frugal"))
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          // With a database, budgets are shared through it: the first request settles once its row is written.
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 1, 20_000);
        })
        .compose(settled -> chat("frugal"))
        .compose(second -> {
          ctx.verify(() -> {
            assertEquals(400, second.statusCode(), second.bodyAsString());
            assertEquals("budget_exceeded", error(second).getString("type"));
            assertTrue(error(second).getString("message").contains("Customer 'frugal'"), second.bodyAsString());
          });
          return chat("someone-else");
        })
        .compose(other -> {
          ctx.verify(() -> assertEquals(200, other.statusCode(), "another customer is not held by this budget"));
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 3, 20_000);
        })
        .compose(written -> Future.all(calls.get("/customer/info?end_user_id=frugal"), calls.get("/customer/info?end_user_id=someone-else")))
        .onComplete(ctx.succeeding(infos -> ctx.verify(() -> {
          JsonObject frugal = infos.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
          assertEquals(0.02, frugal.getDouble("spend"), 1e-9);
          HttpResponse<Buffer> other = infos.resultAt(1);
          assertEquals(200, other.statusCode(), "a customer's first spend makes its row, as LiteLLM's");
          assertEquals(0.02, other.bodyAsJsonObject().getDouble("spend"), 1e-9);
          assertNull(other.bodyAsJsonObject().getValue("litellm_budget_table"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_virtual_key_may_not_manage_customers_budgets_or_organizations(VertxTestContext ctx) {
    calls.admin("/key/generate", new JsonObject())
        .compose(key -> {
          String bearer = "Bearer " + key.getString("key");
          return Future.all(List.of(
              gw.get("/customer/list").putHeader("Authorization", bearer).send(),
              gw.post("/customer/new").putHeader("Authorization", bearer).sendJsonObject(new JsonObject().put("user_id", "x")),
              gw.get("/budget/list").putHeader("Authorization", bearer).send(),
              gw.get("/organization/list").putHeader("Authorization", bearer).send(),
              gw.post("/end_user/block").putHeader("Authorization", bearer)
                  .sendJsonObject(new JsonObject().put("user_ids", new JsonArray().add("x")))));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (Object response : all.list()) {
            assertEquals(403, ((HttpResponse<?>) response).statusCode(), ((HttpResponse<?>) response).bodyAsString());
          }
          ctx.completeNow();
        })));
  }
}
