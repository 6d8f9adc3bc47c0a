package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM's {@code POST /key/{key}/regenerate}, and no 404 that echoes a key from its path. */
@ExtendWith(VertxExtension.class)
class RegenerateByPathTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
      general_settings: {master_key: %s, database_url: "%s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private static final String MASTER = "sk-master-regenerate";

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> models(String key) {
    return gw.get("/v1/models").putHeader("Authorization", "Bearer " + key).send();
  }

  @Test
  void a_key_named_in_the_path_is_regenerated(VertxTestContext ctx) {
    String[] keys = new String[2];
    post("/key/generate", new JsonObject().put("key_alias", "by-path"))
        .compose(generated -> {
          keys[0] = generated.bodyAsJsonObject().getString("key");
          return post("/key/" + keys[0] + "/regenerate", new JsonObject());
        })
        .compose(regenerated -> {
          ctx.verify(() -> {
            assertEquals(200, regenerated.statusCode(), regenerated.bodyAsString());
            keys[1] = regenerated.bodyAsJsonObject().getString("key");
            assertTrue(keys[1].startsWith("sk-"), regenerated.bodyAsString());
            assertNotEquals(keys[0], keys[1]);
            assertEquals("by-path", regenerated.bodyAsJsonObject().getString("key_alias"), regenerated.bodyAsString());
          });
          return models(keys[0]);
        })
        .compose(old -> {
          ctx.verify(() -> assertEquals(401, old.statusCode(), "the old key no longer works: " + old.bodyAsString()));
          return models(keys[1]);
        })
        .onComplete(ctx.succeeding(renewed -> ctx.verify(() -> {
          assertEquals(200, renewed.statusCode(), renewed.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void an_unknown_path_holding_a_key_is_not_echoed_in_the_404(VertxTestContext ctx) {
    String secret = "sk-0123456789abcdefSECRET";
    post("/key/" + secret + "/rotate", new JsonObject())
        .onComplete(ctx.succeeding(missing -> ctx.verify(() -> {
          assertEquals(404, missing.statusCode(), missing.bodyAsString());
          assertFalse(missing.bodyAsString().contains("0123456789abcdef"), missing.bodyAsString());
          assertTrue(missing.bodyAsJsonObject().getJsonObject("error").getString("message").contains("/key/sk-***/rotate"),
              missing.bodyAsString());
          ctx.completeNow();
        })));
  }
}
