package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parse → auth → model exists and the key may use it → rate limits → budget → route: a request
 * refused before the limiter is never counted by it, and one refused after it gives back what it took.
 */
@ExtendWith(VertxExtension.class)
class AdmissionOrderTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        - {model_name: other, litellm_params: {model: openai/other, api_base: "%1$s", api_key: sk-up}}
        - {model_name: tagged, litellm_params: {model: openai/tagged, api_base: "%1$s", api_key: sk-up, tags: [paid]}}
        - model_name: tiny
          litellm_params: {model: openai/tiny, api_base: "%1$s", api_key: sk-up}
          model_info: {max_input_tokens: 5}
      router_settings: {enable_tag_filtering: true, enable_pre_call_checks: true}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  @BeforeEach
  void awayFromTheMinutesEnd(Vertx vertx, VertxTestContext ctx) {
    // Limits count per clock minute: each test's requests must fall in one.
    Awaits.minuteHasAtLeast(vertx, 15).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_model_the_key_may_not_use_and_an_unknown_model_leave_its_rpm_untouched(VertxTestContext ctx) {
    refusedThenAllowed(new JsonObject().put("models", new JsonArray().add("chat")).put("rpm_limit", 1))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_model_the_key_may_not_use_and_an_unknown_model_leave_its_tpm_untouched(VertxTestContext ctx) {
    // "Hi" is estimated at 1 token: one counted refusal would leave no room for the allowed request.
    refusedThenAllowed(new JsonObject().put("models", new JsonArray().add("chat")).put("tpm_limit", 1))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_model_the_key_may_not_use_and_an_unknown_model_leave_its_parallel_limit_untouched(VertxTestContext ctx) {
    refusedThenAllowed(new JsonObject().put("models", new JsonArray().add("chat")).put("max_parallel_requests", 1))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** 403 for a model outside the key's list, 404 for one that does not exist, then 200 for the allowed one. */
  private Future<Void> refusedThenAllowed(JsonObject keyFields) {
    String[] key = new String[1];
    return newKey(keyFields)
        .compose(k -> {
          key[0] = k;
          return chat(k, chatBody("other"));
        })
        .compose(forbidden -> {
          assertEquals(403, forbidden.statusCode(), forbidden.bodyAsString());
          return chat(key[0], chatBody("no-such-model"));
        })
        .compose(unknown -> {
          assertEquals(404, unknown.statusCode(), unknown.bodyAsString());
          return chat(key[0], chatBody("chat"));
        })
        .map(allowed -> {
          assertEquals(200, allowed.statusCode(), "the first allowed request: " + allowed.bodyAsString());
          return null;
        });
  }

  @Test
  void a_request_refused_for_its_budget_gives_back_its_rpm_and_tpm(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    newKey(new JsonObject().put("rpm_limit", 1).put("tpm_limit", 1).put("max_parallel_requests", 1)
            .put("max_budget", 0))
        .compose(k -> {
          key[0] = k;
          return chat(k, chatBody("chat"));
        })
        .compose(overBudget -> {
          ctx.verify(() -> {
            assertEquals(400, overBudget.statusCode(), overBudget.bodyAsString());
            assertEquals("budget_exceeded", overBudget.bodyAsJsonObject().getJsonObject("error").getString("type"));
          });
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> LimitCalls.admin(gw.client(), gw.port(), "/key/update", new JsonObject().put("key", key[0]).put("max_budget", 100)))
        .compose(updated -> chat(key[0], chatBody("chat")))
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertEquals(200, allowed.statusCode(), "the request after the budget was raised: " + allowed.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_request_routing_refuses_gives_back_its_rpm_and_tpm(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    JsonObject untagged = chatBody("tagged").put("metadata", new JsonObject().put("tags", new JsonArray().add("free")));
    newKey(new JsonObject().put("rpm_limit", 1).put("tpm_limit", 1))
        .compose(k -> {
          key[0] = k;
          return chat(k, untagged);
        })
        .compose(noDeployment -> {
          ctx.verify(() -> {
            assertEquals(400, noDeployment.statusCode(), noDeployment.bodyAsString());
            assertEquals("metadata.tags", noDeployment.bodyAsJsonObject().getJsonObject("error").getString("param"));
          });
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> chat(key[0], chatBody("chat")))
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertEquals(200, allowed.statusCode(), "the request after the routing refusal: " + allowed.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_prompt_over_every_context_window_gives_back_its_rpm_and_tpm(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    JsonObject tooLong = chatBody("tiny");
    tooLong.getJsonArray("messages").getJsonObject(0).put("content", "word ".repeat(100));
    newKey(new JsonObject().put("rpm_limit", 1).put("tpm_limit", 1))
        .compose(k -> {
          key[0] = k;
          return chat(k, tooLong);
        })
        .compose(overWindow -> {
          ctx.verify(() -> assertEquals(400, overWindow.statusCode(), overWindow.bodyAsString()));
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> chat(key[0], chatBody("chat")))
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertEquals(200, allowed.statusCode(), "the request after the context-window refusal: " + allowed.bodyAsString());
          ctx.completeNow();
        })));
  }

  private Future<String> newKey(JsonObject fields) {
    return LimitCalls.newKey(gw.client(), gw.port(), fields);
  }

  private Future<HttpResponse<Buffer>> chat(String key, JsonObject body) {
    return LimitCalls.chat(gw.client(), gw.port(), key, body);
  }

  private static JsonObject chatBody(String model) {
    return Requests.hi(model);
  }
}
