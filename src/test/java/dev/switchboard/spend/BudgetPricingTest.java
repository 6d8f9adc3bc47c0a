package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Gateway;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.Gateways;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The budget stage reserves before routing picks, so it prices the request at the group's dearest
 * deployment: with strict budgets, a request that only the cheap deployment could afford is refused
 * in a group that also holds a dear one, before any provider is called, and admitted in a group of
 * cheap deployments alone.
 */
@ExtendWith(VertxExtension.class)
class BudgetPricingTest {

  private static final String MASTER = "sk-master-pricing";

  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    mock = new MockProvider(vertx);
    mock.start().compose(started -> Gateways.start("""
        model_list:
          - model_name: mixed
            litellm_params: {model: openai/cheap, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.0000001, output_cost_per_token: 0.0000002}
          - model_name: mixed
            litellm_params: {model: openai/dear, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
          - model_name: cheap-only
            litellm_params: {model: openai/cheap, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.0000001, output_cost_per_token: 0.0000002}
        general_settings: {master_key: %2$s, database_url: "%3$s", budget_reservations: memory, strict_budgets: true}
        """.formatted(mock.apiBase(), MASTER, TestDatabase.newDatabaseUrl())))
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    Gateways.closeAll(gateway == null ? List.of() : List.of(gateway)).eventually(mock::stop)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_strict_budget_is_priced_at_the_groups_dearest_deployment(VertxTestContext ctx) {
    String[] key = new String[1];
    client.post(gateway.port(), "127.0.0.1", "/key/generate").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("max_budget", 0.01))
        .compose(generated -> {
          key[0] = generated.bodyAsJsonObject().getString("key");
          return chat(key[0], "mixed");
        })
        .compose(mixed -> {
          ctx.verify(() -> {
            assertEquals(400, mixed.statusCode(), mixed.bodyAsString());
            assertEquals("budget_exceeded", mixed.bodyAsJsonObject().getJsonObject("error").getString("type"));
            assertEquals(0, mock.received().size(), "a refused request never reaches a provider");
          });
          return chat(key[0], "cheap-only");
        })
        .onComplete(ctx.succeeding(cheap -> ctx.verify(() -> {
          assertEquals(200, cheap.statusCode(), cheap.bodyAsString());
          assertEquals(1, mock.received().size());
          ctx.completeNow();
        })));
  }

  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(new JsonObject().put("model", model).put("max_tokens", 5)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "x".repeat(40)))));
  }
}
