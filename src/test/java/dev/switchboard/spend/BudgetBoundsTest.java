package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Budgets hold for the traffic that used to outrun them: 200 requests at once without max_tokens
 * whose answers are 2,000 tokens, and a wave of agent requests whose cost is mostly a long system
 * prompt and tool definitions. Without strict budgets the spend may pass the budget by at most one
 * request's cost; with them, not at all.
 */
@ExtendWith(VertxExtension.class)
class BudgetBoundsTest {

  private static final String MASTER = "sk-master-bounds";
  /** "long": 10 prompt tokens at $0.000001 and 2,000 output tokens at $0.000002. */
  private static final double LONG_ANSWER = 10 * 0.000001 + 2000 * 0.000002;
  /** "agent": a 57,000-character system prompt (14,250 tokens) at $0.000003, 500 output tokens at $0.000015. */
  private static final double AGENT_ANSWER = 14_250 * 0.000003 + 500 * 0.000015;
  private static final String SYSTEM = "You are a careful coding agent. ".repeat(1782).substring(0, 57_000);

  private Vertx vertx;
  private MockProvider mock;
  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual().clientPool(new PoolOptions().setHttp1MaxSize(200));

  @BeforeEach
  void mock(Vertx vertx) {
    this.vertx = vertx;
    // Slow answers keep the admitted requests in flight while the rest arrive.
    mock = new MockProvider(vertx)
        .on("long", MockProvider.Behaviour.ok().withDelay(300)).reporting("long", 10, 2000)
        .on("unbounded", MockProvider.Behaviour.ok().withDelay(300)).reporting("unbounded", 10, 2000)
        .on("agent", MockProvider.Behaviour.ok().withDelay(300)).reporting("agent", 14_250, 500);
  }

  private Future<Gateway> gateway(String general) {
    return gw.start(mock, started -> """
        model_list:
          - model_name: long
            litellm_params: {model: openai/long, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002, max_output_tokens: 4096}
          - model_name: unbounded
            litellm_params: {model: openai/unbounded, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
          - model_name: agent
            litellm_params: {model: openai/agent, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.000003, output_cost_per_token: 0.000015, max_output_tokens: 64000}
        general_settings: {master_key: %2$s, database_url: "%3$s"%4$s}
        """.formatted(started.apiBase(), MASTER, TestDatabase.newDatabaseUrl(), general));
  }

  private Future<String> key(Gateway gateway, double maxBudget) {
    return gw.client().post(gateway.port(), "127.0.0.1", "/key/generate").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("max_budget", maxBudget))
        .map(response -> response.bodyAsJsonObject().getString("key"));
  }

  /** A chat request without max_tokens. */
  private Future<HttpResponse<Buffer>> chat(Gateway gateway, String key, String model) {
    return gw.client().post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.chat(model).user("x".repeat(40)).build());
  }

  /** What a coding agent sends: a long system prompt, 20 tools with schemas, a short turn. */
  private Future<HttpResponse<Buffer>> agentTurn(Gateway gateway, String key) {
    JsonArray tools = new JsonArray();
    for (int i = 0; i < 20; i++) {
      tools.add(new JsonObject().put("name", "tool_" + i).put("description", "Runs step " + i + " of the build.")
          .put("input_schema", new JsonObject().put("type", "object").put("properties", new JsonObject()
              .put("path", new JsonObject().put("type", "string").put("description", "the file to work on")))));
    }
    return gw.client().post(gateway.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", key)
        .sendJsonObject(Requests.messages("agent").maxTokens(1024).put("system", SYSTEM).put("tools", tools)
            .user("fix the build").build());
  }

  /** Sends {@code count} requests at once, then the key's spend once every request's row is written. */
  private Future<Double> spendAfter(Gateway gateway, String key, int count, Function<Integer, Future<HttpResponse<Buffer>>> send) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(send.apply(i));
    }
    return Future.all(sent)
        .compose(all -> {
          for (int i = 0; i < count; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertTrue(response.statusCode() == 200 || response.statusCode() == 400, response.bodyAsString());
          }
          return Awaits.until(gateway.vertx(), () -> gateway.accounting().writer().writtenRows() >= count, 20_000);
        })
        .compose(v -> gw.client().get(gateway.port(), "127.0.0.1", "/key/info").addQueryParam("key", key)
            .putHeader("Authorization", "Bearer " + MASTER).send())
        .map(info -> info.bodyAsJsonObject().getJsonObject("info").getDouble("spend"));
  }

  private void longAnswersRace(VertxTestContext ctx, String general, double budget, double allowed) {
    gateway(general)
        .compose(g -> key(g, budget).compose(key -> spendAfter(g, key, 200, i -> chat(g, key, "long"))))
        .onComplete(ctx.succeeding(spend -> ctx.verify(() -> {
          assertTrue(spend > 0, "some requests were served");
          assertTrue(spend <= allowed + 1e-12, "spend " + spend + " on a budget of " + budget + ", allowed " + allowed);
          ctx.completeNow();
        })));
  }

  @Test
  void two_hundred_long_answers_without_max_tokens_overshoot_by_at_most_one_request_in_memory(VertxTestContext ctx) {
    longAnswersRace(ctx, ", budget_reservations: memory", 0.01, 0.01 + LONG_ANSWER);
  }

  @Test
  void two_hundred_long_answers_without_max_tokens_overshoot_by_at_most_one_request_in_postgres(VertxTestContext ctx) {
    longAnswersRace(ctx, ", budget_reservations: database", 0.01, 0.01 + LONG_ANSWER);
  }

  @Test
  void strict_budgets_are_never_overshot_by_two_hundred_long_answers_in_memory(VertxTestContext ctx) {
    longAnswersRace(ctx, ", budget_reservations: memory, strict_budgets: true", 0.01, 0.01);
  }

  @Test
  void strict_budgets_are_never_overshot_by_two_hundred_long_answers_in_postgres(VertxTestContext ctx) {
    longAnswersRace(ctx, ", budget_reservations: database, strict_budgets: true", 0.01, 0.01);
  }

  @Test
  void strict_budgets_refuse_a_request_they_cannot_bound_and_say_what_to_set(VertxTestContext ctx) {
    gateway(", strict_budgets: true")
        .compose(g -> key(g, 1.0).compose(key -> chat(g, key, "unbounded")))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode(), response.bodyAsString());
          JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
          assertEquals("budget_unbounded", error.getString("code"));
          assertTrue(error.getString("message").contains("Set max_tokens"), error.getString("message"));
          assertTrue(error.getString("message").contains("model_info.max_output_tokens"), error.getString("message"));
          assertTrue(mock.received().isEmpty(), "the provider was not called");
          ctx.completeNow();
        })));
  }

  @Test
  void a_wave_of_agent_requests_overshoots_by_at_most_one_request(VertxTestContext ctx) {
    gateway(", budget_reservations: memory")
        .compose(g -> key(g, 0.03).compose(key -> spendAfter(g, key, 12, i -> agentTurn(g, key))))
        .onComplete(ctx.succeeding(spend -> ctx.verify(() -> {
          assertTrue(spend > 0, "some requests were served");
          assertTrue(spend <= 0.03 + AGENT_ANSWER + 1e-12, "spend " + spend + " on a budget of 0.03");
          ctx.completeNow();
        })));
  }
}
