package dev.switchboard.spend;

import dev.switchboard.model.KeySecrets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every request leaves a row in spend_logs, and the spend endpoints report them as LiteLLM does. */
@ExtendWith(VertxExtension.class)
class SpendLogsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private static final String MASTER = "sk-master-spendlogs";

  private void start(Vertx vertx, VertxTestContext ctx, String extraGeneral) {
    String url = TestDatabase.newDatabaseUrl();
    gw.start(new MockProvider(vertx).on("broken",
        MockProvider.Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", java.util.Map.of())), m -> """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
          - model_name: broken
            litellm_params: {model: openai/broken, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05%4$s}
        """.formatted(m.apiBase(), MASTER, url, extraGeneral)).onComplete(ctx.succeedingThenComplete());
  }

  private Future<JsonObject> admin(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body)
        .map(response -> {
          assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
          return response.bodyAsJsonObject();
        });
  }

  private HttpRequest<Buffer> get(String path) {
    return gw.get(path).putHeader("Authorization", "Bearer " + MASTER);
  }

  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.chat(model).put("user", "end-user-7")
            .put("metadata", new JsonObject().put("tags", new JsonArray().add("prod").add("search"))).build());
  }

  /** Rows are recorded after the answer is sent, so wait for the count, not for an empty queue. */
  private Future<Void> written(Vertx vertx, int rows) {
    return Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= rows, 10_000);
  }

  @Test
  void rows_carry_who_what_and_cost_and_the_reports_filter_and_group_them(Vertx vertx, VertxTestContext ctx) throws InterruptedException {
    VertxTestContext started = new VertxTestContext();
    start(vertx, started, "");
    assertTrue(started.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS));
    String[] key = new String[1];
    String[] requestId = new String[1];
    // gpt-4o-mini from the price table: 10 prompt tokens at $0.15/M, 5 output at $0.60/M.
    double chatCost = (10 * 0.15 + 5 * 0.60) / 1e6;
    admin("/team/new", new JsonObject().put("team_id", "t-spend"))
        .compose(team -> admin("/user/new", new JsonObject().put("user_id", "u-spend")))
        .compose(user -> admin("/key/generate", new JsonObject().put("team_id", "t-spend").put("user_id", "u-spend")
            .put("key_alias", "spender")))
        .compose(generated -> {
          key[0] = generated.getString("key");
          return chat(key[0], "chat");
        })
        .compose(ok -> {
          ctx.verify(() -> {
            assertEquals(200, ok.statusCode());
            assertEquals(chatCost, Double.parseDouble(ok.getHeader("x-litellm-response-cost")), 1e-15);
          });
          requestId[0] = ok.getHeader("x-litellm-call-id");
          return chat(key[0], "broken");
        })
        .compose(failed -> {
          ctx.verify(() -> {
            assertEquals(500, failed.statusCode());
            assertEquals(0.0, Double.parseDouble(failed.getHeader("x-litellm-response-cost")));
          });
          return chat(MASTER, "chat");
        })
        .compose(v -> written(vertx, 3))
        .compose(v -> get("/spend/logs").addQueryParam("api_key", key[0]).send())
        .compose(logs -> {
          ctx.verify(() -> {
            JsonArray rows = logs.bodyAsJsonArray();
            assertEquals(2, rows.size(), "the key's success and its failure: " + rows);
            JsonObject failure = rows.stream().map(JsonObject.class::cast)
                .filter(r -> "broken".equals(r.getString("model_group"))).findFirst().orElseThrow();
            assertEquals("failure", failure.getString("status"));
            assertEquals(500, failure.getInteger("status_code"));
            JsonObject success = rows.stream().map(JsonObject.class::cast)
                .filter(r -> "chat".equals(r.getString("model_group"))).findFirst().orElseThrow();
            assertEquals(requestId[0], success.getString("request_id"));
            assertEquals("spender", success.getString("key_alias"));
            assertEquals("u-spend", success.getString("user"));
            assertEquals("t-spend", success.getString("team_id"));
            assertEquals("gpt-4o-mini", success.getString("model"));
            assertEquals("openai", success.getString("custom_llm_provider"));
            assertEquals(15, success.getLong("total_tokens"));
            assertEquals(chatCost, success.getDouble("spend"), 1e-15);
            assertEquals(new JsonArray().add("prod").add("search"), success.getJsonArray("request_tags"));
            assertEquals("end-user-7", success.getString("end_user"));
            // LiteLLM's rows name the key by its hash (never the key itself).
            assertEquals(KeySecrets.hash(key[0]), success.getString("api_key"));
            assertFalse(logs.bodyAsString().contains(key[0]), "never the key");
          });
          return Future.all(get("/spend/logs").addQueryParam("request_id", requestId[0]).send(),
              get("/spend/logs").addQueryParam("team_id", "nobody").send(),
              get("/spend/logs").addQueryParam("start_date", "2001-01-01").addQueryParam("end_date", "2001-01-02").send(),
              get("/spend/logs").addQueryParam("start_date", "yesterday").send());
        })
        .compose(filtered -> {
          ctx.verify(() -> {
            assertEquals(1, filtered.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonArray().size());
            assertEquals(0, filtered.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonArray().size());
            assertEquals(0, filtered.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonArray().size());
            HttpResponse<Buffer> bad = filtered.resultAt(3);
            assertEquals(400, bad.statusCode());
            assertEquals("start_date", bad.bodyAsJsonObject().getJsonObject("error").getString("param"));
          });
          return Future.all(get("/global/spend").send(), get("/global/spend/report").send(),
              get("/global/spend/report").addQueryParam("group_by", "model").send(),
              get("/key/info").addQueryParam("key", key[0]).send(), get("/team/info").addQueryParam("team_id", "t-spend").send(),
              get("/user/info").addQueryParam("user_id", "u-spend").send());
        })
        .onComplete(ctx.succeeding(reports -> ctx.verify(() -> {
          assertEquals(2 * chatCost, reports.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject().getDouble("spend"), 1e-15);
          JsonArray byTeam = reports.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonArray();
          assertEquals(1, byTeam.size(), byTeam.encode());
          JsonObject today = byTeam.getJsonObject(0);
          assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), today.getString("group_by_day"));
          JsonObject team = today.getJsonArray("teams").stream().map(JsonObject.class::cast)
              .filter(t -> "t-spend".equals(t.getString("team_name"))).findFirst().orElseThrow();
          assertEquals(chatCost, team.getDouble("total_spend"), 1e-15);
          assertEquals(2, team.getLong("requests"));
          JsonArray byModel = reports.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonArray().getJsonObject(0).getJsonArray("models");
          assertEquals(2, byModel.size(), byModel.encode());
          assertEquals(chatCost, spend(reports.resultAt(3), "info"), 1e-15);
          assertEquals(chatCost, spend(reports.resultAt(4), null), 1e-15);
          assertEquals(chatCost, spend(reports.resultAt(5), null), 1e-15);
          ctx.completeNow();
        })));
  }

  /** The {@code spend} of an info answer, at its top level or under {@code field}, wherever LiteLLM puts it. */
  private static double spend(HttpResponse<Buffer> info, String field) {
    JsonObject body = info.bodyAsJsonObject();
    assertEquals(200, info.statusCode(), body.encode());
    JsonObject holder = field != null ? body.getJsonObject(field)
        : body.containsKey("spend") ? body : body.getJsonObject(body.containsKey("team_info") ? "team_info" : "user_info");
    assertTrue(holder != null && holder.containsKey("spend"), body.encode());
    return holder.getDouble("spend");
  }

  @Test
  void a_key_without_an_alias_has_a_null_key_alias_in_its_rows(Vertx vertx, VertxTestContext ctx) throws InterruptedException {
    VertxTestContext started = new VertxTestContext();
    start(vertx, started, "");
    assertTrue(started.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS));
    String[] key = new String[1];
    admin("/key/generate", new JsonObject())
        .compose(generated -> {
          key[0] = generated.getString("key");
          return chat(key[0], "chat");
        })
        .compose(ok -> written(vertx, 1))
        .compose(v -> get("/spend/logs").addQueryParam("api_key", key[0]).send())
        .onComplete(ctx.succeeding(logs -> ctx.verify(() -> {
          JsonObject row = logs.bodyAsJsonArray().getJsonObject(0);
          assertNull(row.getValue("key_alias"), "LiteLLM's key_alias is the alias, not a display name: " + row);
          assertEquals(KeySecrets.displayName(key[0]), row.getString("key_name"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_streamed_answer_is_charged_for_its_tokens_and_ends_with_its_cost(Vertx vertx, VertxTestContext ctx) throws InterruptedException {
    VertxTestContext started = new VertxTestContext();
    start(vertx, started, "");
    assertTrue(started.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS));
    gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat("chat").stream().build())
        .compose(streamed -> {
          ctx.verify(() -> {
            assertTrue(streamed.bodyAsString().contains("[DONE]"));
            // A stream's cost is known at its end: it comes as a trailer.
            assertTrue(Double.parseDouble(streamed.trailers().get("x-litellm-response-cost")) > 0, streamed.trailers().toString());
          });
          return written(vertx, 1);
        })
        .compose(v -> get("/spend/logs").send())
        .onComplete(ctx.succeeding(logs -> ctx.verify(() -> {
          JsonObject row = logs.bodyAsJsonArray().getJsonObject(0);
          assertTrue(row.getBoolean("stream"));
          // A stream's completionStartTime is its first token: after its start, not after its end.
          java.time.Instant first = java.time.Instant.parse(row.getString("completionStartTime"));
          assertTrue(!first.isBefore(java.time.Instant.parse(row.getString("startTime")))
              && !first.isAfter(java.time.Instant.parse(row.getString("endTime"))), row.encode());
          assertTrue(row.getLong("request_duration_ms") >= 0, row.encode());
          assertTrue(row.getLong("completion_tokens") > 0, row.encode());
          assertTrue(row.getDouble("spend") > 0, row.encode());
          ctx.completeNow();
        })));
  }

  @Test
  void without_row_level_logs_rows_keep_only_cost_and_budgets_still_count(Vertx vertx, VertxTestContext ctx)
      throws InterruptedException {
    VertxTestContext started = new VertxTestContext();
    start(vertx, started, ", disable_spend_logs: true, budget_reservations: memory");
    assertTrue(started.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS));
    String[] key = new String[1];
    admin("/key/generate", new JsonObject().put("key_alias", "quiet").put("max_budget", 0.000001))
        .compose(generated -> {
          key[0] = generated.getString("key");
          return chat(key[0], "chat");
        })
        .compose(first -> written(vertx, 1))
        .compose(v -> Future.all(chat(key[0], "chat"), get("/spend/logs").send()))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          HttpResponse<Buffer> second = both.resultAt(0);
          assertEquals(400, second.statusCode(), "the budget still counts: " + second.bodyAsString());
          // The refused request's own row (cost 0) may already be there too, and newest: find the charged one.
          JsonArray rows = both.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonArray();
          assertTrue(rows.stream().map(JsonObject.class::cast).anyMatch(row -> row.getDouble("spend") > 0), rows.encode());
          rows.stream().map(JsonObject.class::cast).forEach(row -> {
            assertNull(row.getString("key_alias"), "no detail: " + row);
            assertNull(row.getString("model_group"), "no detail: " + row);
            assertNull(row.getValue("api_base"), "no detail: " + row);
            assertNull(row.getValue("completionStartTime"), "no detail: " + row);
            assertEquals(new JsonObject(), row.getJsonObject("metadata"), "LiteLLM's empty metadata: " + row);
          });
          ctx.completeNow();
        })));
  }
}
