package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LiteLLM's {@code GET /global/spend/tags}, {@code GET /customer/daily/activity}, {@code POST
 * /spend/calculate} and {@code general_settings.use_x_forwarded_for}, against the shapes of its
 * spend_management_endpoints.py and customer_endpoints.py. Each chat costs $0.02 (the mock's 10
 * prompt tokens at $0.001, 5 output at $0.002).
 */
@ExtendWith(VertxExtension.class)
class SpendParityTest {

  private static final String MASTER = "sk-master-spend-parity";
  private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
      general_settings: {master_key: %s, database_url: "%s", proxy_batch_write_at: 0.05, use_x_forwarded_for: true}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> chat(String user, JsonArray tags, String forwardedFor) {
    JsonObject body = Requests.chat("chat").user("Hi").build().put("user", user);
    if (tags != null) {
      body.put("metadata", new JsonObject().put("tags", tags));
    }
    var request = gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER);
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return request.sendJsonObject(body).map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r;
    });
  }

  private Future<HttpResponse<Buffer>> get(String path) {
    return gw.get(path).putHeader("Authorization", "Bearer " + MASTER).send();
  }

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  /** Waits until the spend writer has put {@code rows} rows in Postgres. */
  private Future<Void> written(long rows) {
    return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= rows, 10_000);
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void global_spend_tags_answers_spend_per_tag_costliest_first(VertxTestContext ctx) {
    chat("u", new JsonArray().add("alpha").add("beta"), null)
        .compose(r -> chat("u", new JsonArray().add("alpha"), null))
        .compose(r -> written(2))
        .compose(w -> Future.all(List.of(
            get("/global/spend/tags?start_date=" + TODAY + "&end_date=" + TODAY),
            get("/global/spend/tags?start_date=" + TODAY + "&end_date=" + TODAY + "&tags=beta"),
            get("/global/spend/tags?start_date=" + TODAY + "&end_date=" + TODAY + "&tags=all-tags"),
            get("/global/spend/tags"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          assertEquals(200, r.get(0).statusCode(), r.get(0).bodyAsString());
          JsonArray tags = r.get(0).bodyAsJsonObject().getJsonArray("spend_per_tag");
          assertEquals(new JsonObject().put("name", "alpha").put("spend", 0.04).put("log_count", 2), tags.getJsonObject(0));
          assertEquals(new JsonObject().put("name", "beta").put("spend", 0.02).put("log_count", 1), tags.getJsonObject(1));
          JsonArray beta = r.get(1).bodyAsJsonObject().getJsonArray("spend_per_tag");
          assertEquals(1, beta.size());
          assertEquals("beta", beta.getJsonObject(0).getString("name"));
          assertEquals(2, r.get(2).bodyAsJsonObject().getJsonArray("spend_per_tag").size(), "all-tags is every tag");
          assertEquals(400, r.get(3).statusCode(), "LiteLLM requires both dates");
          assertTrue(error(r.get(3)).getString("message").startsWith("Please provide start_date and end_date"));
          ctx.completeNow();
        })));
  }

  @Test
  void customer_daily_activity_breaks_spend_down_by_customer(VertxTestContext ctx) {
    post("/customer/new", new JsonObject().put("user_id", "acme").put("alias", "Acme"))
        .compose(made -> chat("acme", null, null))
        .compose(r -> chat("acme", null, null))
        .compose(r -> chat("zeta", null, null))
        .compose(r -> written(3))
        .compose(w -> Future.all(List.of(
            get("/customer/daily/activity?start_date=" + TODAY + "&end_date=" + TODAY),
            get("/customer/daily/activity?start_date=" + TODAY + "&end_date=" + TODAY + "&end_user_ids=acme"),
            get("/end_user/daily/activity?start_date=" + TODAY + "&end_date=" + TODAY + "&exclude_end_user_ids=acme"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          assertEquals(200, r.get(0).statusCode(), r.get(0).bodyAsString());
          JsonObject body = r.get(0).bodyAsJsonObject();
          assertEquals(Set.of("results", "metadata"), body.fieldNames());
          assertEquals(0.06, body.getJsonObject("metadata").getDouble("total_spend"), 1e-9);
          assertEquals(1, body.getJsonObject("metadata").getInteger("page"));
          JsonObject day = body.getJsonArray("results").getJsonObject(0);
          assertEquals(TODAY, day.getString("date"));
          JsonObject entities = day.getJsonObject("breakdown").getJsonObject("entities");
          assertEquals(Set.of("acme", "zeta"), entities.fieldNames());
          JsonObject acme = entities.getJsonObject("acme");
          assertEquals(new JsonObject().put("alias", "Acme"), acme.getJsonObject("metadata"));
          assertEquals(0.04, acme.getJsonObject("metrics").getDouble("spend"), 1e-9);
          assertEquals(2, acme.getJsonObject("metrics").getInteger("api_requests"));
          assertTrue(acme.containsKey("api_key_breakdown"));
          JsonObject onlyAcme = r.get(1).bodyAsJsonObject().getJsonArray("results").getJsonObject(0)
              .getJsonObject("breakdown").getJsonObject("entities");
          assertEquals(Set.of("acme"), onlyAcme.fieldNames());
          JsonObject withoutAcme = r.get(2).bodyAsJsonObject().getJsonArray("results").getJsonObject(0)
              .getJsonObject("breakdown").getJsonObject("entities");
          assertEquals(Set.of("zeta"), withoutAcme.fieldNames());
          ctx.completeNow();
        })));
  }

  @Test
  void spend_calculate_prices_a_call_before_and_after_it(VertxTestContext ctx) {
    JsonObject response = new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "chat")
        .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15));
    Future.all(List.of(
            post("/spend/calculate", new JsonObject().put("model", "chat").put("messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hey, how's it going?")))),
            post("/spend/calculate", new JsonObject().put("completion_response", response)),
            post("/spend/calculate", new JsonObject().put("completion_response", response.copy().put("model", "gpt-4o"))),
            post("/spend/calculate", new JsonObject()),
            post("/spend/calculate", new JsonObject().put("model", "chat")),
            post("/spend/calculate", new JsonObject().put("model", "no-such-model").put("messages", new JsonArray()))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          assertEquals(200, r.get(0).statusCode(), r.get(0).bodyAsString());
          assertEquals(Set.of("cost"), r.get(0).bodyAsJsonObject().fieldNames());
          double before = r.get(0).bodyAsJsonObject().getDouble("cost");
          double tokens = before / 0.001;
          assertTrue(before > 0 && Math.abs(tokens - Math.rint(tokens)) < 1e-6, "whole prompt tokens at $0.001: " + before);
          assertEquals(0.02, r.get(1).bodyAsJsonObject().getDouble("cost"), 1e-12, "the usage at the model's prices");
          assertEquals(10 * 2.5e-6 + 5 * 10e-6, r.get(2).bodyAsJsonObject().getDouble("cost"), 1e-12,
              "a provider's model name at the price table's price");
          assertEquals("Bad Request - Either 'model' or 'completion_response' must be provided",
              error(r.get(3)).getString("message"));
          assertEquals("Bad Request - messages must be provided if 'model' is provided", error(r.get(4)).getString("message"));
          assertEquals(400, r.get(5).statusCode());
          assertEquals("model", error(r.get(5)).getString("param"));
          ctx.completeNow();
        })));
  }

  @Test
  void spend_calculate_needs_no_database(VertxTestContext ctx) {
    dev.switchboard.testing.Gateways.start("""
            model_list:
              - model_name: chat
                litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
                model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
            general_settings: {master_key: %s, database_url: none}
            """.formatted(gw.mock().apiBase(), MASTER))
        .compose(stateless -> gw.client().post(stateless.port(), "127.0.0.1", "/spend/calculate")
            .putHeader("Authorization", "Bearer " + MASTER)
            .sendJsonObject(new JsonObject().put("completion_response", new JsonObject().put("model", "chat")
                .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5))))
            .eventually(() -> dev.switchboard.testing.Gateways.closeAll(List.of(stateless))))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertEquals(0.02, answer.bodyAsJsonObject().getDouble("cost"), 1e-12);
          ctx.completeNow();
        })));
  }

  @Test
  void with_use_x_forwarded_for_the_requester_ip_is_the_forwarded_client(VertxTestContext ctx) {
    chat("u", null, "203.0.113.7, 10.0.0.1")
        .compose(r -> written(1))
        .compose(w -> get("/spend/logs"))
        .onComplete(ctx.succeeding(logs -> ctx.verify(() -> {
          JsonObject row = logs.bodyAsJsonArray().getJsonObject(0);
          assertEquals("203.0.113.7", row.getString("requester_ip_address"));
          assertEquals("203.0.113.7", row.getJsonObject("metadata").getString("requester_ip_address"));
          assertFalse(row.encode().contains("10.0.0.1"), "only the client, not the proxies after it");
          ctx.completeNow();
        })));
  }
}
