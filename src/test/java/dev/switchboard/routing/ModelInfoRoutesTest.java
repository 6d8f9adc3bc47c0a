package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** LiteLLM's /model/info and /model_group/info, with prices and limits, filtered by the caller's key. */
@ExtendWith(VertxExtension.class)
class ModelInfoRoutesTest {

  static final String MASTER = "sk-master-model-info";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: sk-provider-secret-1, rpm: 60}
          model_info: {id: chat-a, owner: search-team, limits: {level: 2}}
        - model_name: chat
          litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-provider-secret-2, rpm: 40}
          model_info: {id: chat-b}
        - model_name: hidden
          litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: sk-provider-secret-3}
          model_info: {id: hidden-a}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> get(String path, String key) {
    return gw.get(path).putHeader("Authorization", "Bearer " + key).send();
  }

  private static JsonArray data(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertFalse(response.bodyAsString().contains("sk-provider-secret"), "provider keys never appear");
    return response.bodyAsJsonObject().getJsonArray("data");
  }

  @Test
  void deployments_and_groups_with_prices_and_limits_as_the_key_may_see_them(VertxTestContext ctx) {
    get("/model/info", MASTER)
        .compose(all -> {
          ctx.verify(() -> {
            JsonArray data = data(all);
            assertEquals(3, data.size());
            JsonObject first = data.getJsonObject(0);
            assertEquals("chat", first.getString("model_name"));
            assertEquals("openai/gpt-4o", first.getJsonObject("litellm_params").getString("model"));
            assertEquals(60, first.getJsonObject("litellm_params").getInteger("rpm"));
            assertNull(first.getJsonObject("litellm_params").getValue("api_key"));
            JsonObject info = first.getJsonObject("model_info");
            assertEquals("chat-a", info.getString("id"));
            assertEquals("search-team", info.getString("owner"), "custom model_info keys are echoed, as LiteLLM's");
            assertEquals(new JsonObject().put("level", 2), info.getJsonObject("limits"));
            assertEquals("openai", info.getString("litellm_provider"));
            assertEquals(2.5e-6, info.getDouble("input_cost_per_token"), 1e-12, "gpt-4o's price from the table");
          });
          return get("/v1/model/info?litellm_model_id=chat-b", MASTER);
        })
        .compose(one -> {
          ctx.verify(() -> assertEquals(List.of("chat-b"), data(one).stream()
              .map(d -> ((JsonObject) d).getJsonObject("model_info").getString("id")).toList()));
          return get("/model_group/info?model_group=chat", MASTER);
        })
        .compose(group -> {
          ctx.verify(() -> {
            JsonArray data = data(group);
            assertEquals(1, data.size());
            JsonObject chat = data.getJsonObject(0);
            assertEquals(new JsonArray().add("openai"), chat.getJsonArray("providers"));
            assertEquals(100, chat.getInteger("rpm"), "the group's deployments together");
            assertEquals(2.5e-6, chat.getDouble("input_cost_per_token"), 1e-12, "the dearest deployment");
          });
          return gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER)
              .sendJsonObject(new JsonObject().put("models", new JsonArray().add("chat")));
        })
        .compose(made -> get("/model/info", made.bodyAsJsonObject().getString("key")))
        .compose(limited -> {
          ctx.verify(() -> assertEquals(List.of("chat", "chat"), data(limited).stream()
              .map(d -> ((JsonObject) d).getString("model_name")).toList(), "only what the key may use"));
          return get("/model_group/info", "sk-not-a-key-of-this-gateway");
        })
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(401, refused.statusCode(), refused.bodyAsString());
          ctx.completeNow();
        })));
  }
}
