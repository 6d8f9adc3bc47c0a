package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A NUL character (or an unpaired surrogate) sent by a client can neither stop spend writing nor
 * the budgets that count on it: the rows are stored with U+FFFD in its place, and the rows behind
 * them all arrive. Admin fields carrying one are refused with a 400 naming the field.
 */
@ExtendWith(VertxExtension.class)
class SpendNulTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private static final String MASTER = "sk-master-nul";
  private static final String NUL = "\u0000";

  @BeforeEach
  void start(Vertx vertx) throws InterruptedException {
    VertxTestContext started = new VertxTestContext();
    String url = TestDatabase.newDatabaseUrl();
    gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings: {master_key: %s, database_url: "%s", proxy_batch_write_at: 0.05}
        """.formatted(m.apiBase(), MASTER, url)).onComplete(started.succeedingThenComplete());
    assertTrue(started.awaitCompletion(60, TimeUnit.SECONDS), "gateway started");
  }

  private Future<HttpResponse<Buffer>> admin(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER)
        .sendBuffer(body.toBuffer());
  }

  private Future<HttpResponse<Buffer>> chat(String key, JsonObject body) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendBuffer(body.toBuffer());
  }

  /** With max_tokens, so the budget's reservation for it is small (the mock answers 5 tokens). */
  private static JsonObject hi() {
    return Requests.chat("chat").maxTokens(5).user("hi").build();
  }

  private static void refusedNaming(HttpResponse<Buffer> response, String field) {
    assertEquals(400, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(field, error.getString("param"), response.bodyAsString());
    assertTrue(error.getString("message").contains(field), response.bodyAsString());
  }

  @Test
  void admin_fields_with_a_nul_are_refused_with_a_400_naming_the_field(VertxTestContext ctx) {
    admin("/key/generate", new JsonObject().put("key_alias", "a" + NUL + "b"))
        .compose(r -> {
          ctx.verify(() -> refusedNaming(r, "key_alias"));
          return admin("/team/new", new JsonObject().put("team_id", "t" + NUL));
        })
        .compose(r -> {
          ctx.verify(() -> refusedNaming(r, "team_id"));
          return admin("/user/new", new JsonObject().put("user_id", NUL));
        })
        .compose(r -> {
          ctx.verify(() -> refusedNaming(r, "user_id"));
          return admin("/key/generate", new JsonObject().put("metadata", new JsonObject().put("note", "\uD800")));
        })
        .compose(r -> {
          ctx.verify(() -> refusedNaming(r, "metadata"));
          return admin("/team/member_add", new JsonObject().put("team_id", "t-1")
              .put("member", new JsonObject().put("user_id", "u" + NUL)));
        })
        .compose(r -> {
          ctx.verify(() -> refusedNaming(r, "member"));
          return gw.get("/spend/logs").addQueryParam("user_id", NUL)
              .putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          refusedNaming(r, "user_id");
          ctx.completeNow();
        })));
  }

  @Test
  void a_nul_wave_stops_neither_spend_writing_nor_the_budget_and_every_row_arrives(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    List<Integer> statuses = new ArrayList<>();
    admin("/key/generate", new JsonObject().put("max_budget", 0.1).put("key_alias", "nul-wave"))
        .compose(generated -> {
          key[0] = generated.bodyAsJsonObject().getString("key");
          // The wave: NUL in the end user, the model name, a tag; an unpaired surrogate in the end user.
          return chat(key[0], hi().put("user", NUL));
        })
        .compose(r -> record(statuses, r, chat(key[0], hi().put("model", NUL))))
        .compose(r -> record(statuses, r, chat(key[0], hi().put("metadata",
            new JsonObject().put("tags", new JsonArray().add("t" + NUL))))))
        .compose(r -> record(statuses, r, chat(key[0], hi().put("user", "\uD800"))))
        .compose(r -> record(statuses, r, normalUntilRefused(vertx, key[0], statuses, 10)))
        .compose(last -> record(statuses, last, Future.succeededFuture()))
        .compose(v -> Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= statuses.size(), 20_000)
            .recover(timeout -> Future.failedFuture(new AssertionError("rows written: "
                + gw.gateway().accounting().writer().writtenRows() + " of " + statuses.size() + " answered"))))
        .compose(v -> gw.get("/spend/logs").addQueryParam("api_key", key[0])
            .addQueryParam("limit", "1000").putHeader("Authorization", "Bearer " + MASTER).send())
        .onComplete(ctx.succeeding(logs -> ctx.verify(() -> {
          JsonArray rows = logs.bodyAsJsonArray();
          assertEquals(statuses.size(), rows.size(), "one row per answered request " + statuses + ": " + rows);
          assertEquals(List.of(200, 404, 200, 200), statuses.subList(0, 4), "the wave itself is served as before: "
              + refusals);
          assertEquals(400, statuses.get(statuses.size() - 1), "the budget still stops the key: " + statuses);
          long normalServed = statuses.subList(4, statuses.size()).stream().filter(s -> s == 200).count();
          // $0.06 spent by the wave, $0.02 a request, a $0.10 budget, which may be overshot by one request's cost.
          assertTrue(normalServed <= 3, "the budget still counts: " + statuses);
          assertTrue(rows.stream().map(JsonObject.class::cast).anyMatch(r -> "\uFFFD".equals(r.getString("end_user"))),
              "NUL stored as U+FFFD: " + rows);
          assertEquals(0, gw.gateway().accounting().writer().quarantinedRows());
          ctx.completeNow();
        })));
  }

  private final List<String> refusals = new ArrayList<>();

  private <T> Future<T> record(List<Integer> statuses, HttpResponse<Buffer> answered, Future<T> next) {
    statuses.add(answered.statusCode());
    if (answered.statusCode() != 200) {
      refusals.add(answered.bodyAsString());
    }
    return next;
  }

  /**
   * Plain requests until the budget refuses one (at most {@code max}), each sent once the rows before
   * it are in Postgres, where this key's spend is read from; the last answer is left to record.
   */
  private Future<HttpResponse<Buffer>> normalUntilRefused(Vertx vertx, String key, List<Integer> statuses, int max) {
    return Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= statuses.size(), 20_000)
        .compose(written -> chat(key, hi()))
        .compose(r -> {
          if (r.statusCode() == 200 && max > 1) {
            statuses.add(200);
            return normalUntilRefused(vertx, key, statuses, max - 1);
          }
          return Future.succeededFuture(r);
        });
  }
}
