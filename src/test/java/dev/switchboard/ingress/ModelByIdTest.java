package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/models/{id}} as OpenAI answers it, filtered like the list; LiteLLM's return_wildcard_routes. */
@ExtendWith(VertxExtension.class)
class ModelByIdTest {

  private static final String MASTER = "sk-models-master";

  /** Made on the test's thread: starting the database blocks. */
  private final String database = TestDatabase.newDatabaseUrl();

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: openai/gpt-4o
          litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: sk-up}
        - model_name: chat
          litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
        - model_name: secret
          litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
          model_info: {access_groups: [vault]}
        - model_name: groq/*
          litellm_params: {model: openai/*, api_base: "%1$s", api_key: sk-up}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, database));

  private OpenAIClient sdk(String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
  }

  private <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private String key(JsonArray models) throws Exception {
    HttpResponse<Buffer> generated = await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("models", models)));
    assertEquals(200, generated.statusCode(), generated.bodyAsString());
    return generated.bodyAsJsonObject().getString("key");
  }

  @Test
  void the_sdk_retrieves_a_model_by_an_id_with_a_slash_and_hears_404_for_an_unknown_one() throws Exception {
    OpenAIClient openai = sdk(MASTER);
    try {
      Model model = openai.models().retrieve("openai/gpt-4o");
      assertEquals("openai/gpt-4o", model.id());
      assertEquals("openai", model.ownedBy());
      assertTrue(model.created() > 0);
      assertEquals("chat", openai.models().retrieve("chat").id());
      // A name a wildcard route serves is a model too.
      assertEquals("groq/llama-3-8b", openai.models().retrieve("groq/llama-3-8b").id());
      NotFoundException missing = assertThrows(NotFoundException.class, () -> openai.models().retrieve("gpt-7"));
      assertTrue(missing.getMessage().contains("gpt-7"), missing.getMessage());
    } finally {
      openai.close();
    }
    HttpResponse<Buffer> raw = await(gw.get("/models/openai%2Fgpt-4o").putHeader("Authorization", "Bearer " + MASTER).send());
    assertEquals(200, raw.statusCode());
    assertEquals(new JsonObject().put("id", "openai/gpt-4o").put("object", "model")
        .put("created", raw.bodyAsJsonObject().getLong("created")).put("owned_by", "openai"), raw.bodyAsJsonObject());
    HttpResponse<Buffer> unknown = await(gw.get("/v1/models/nope").putHeader("Authorization", "Bearer " + MASTER).send());
    assertEquals(404, unknown.statusCode());
    JsonObject error = unknown.bodyAsJsonObject().getJsonObject("error");
    assertEquals("model_not_found", error.getString("code"));
    assertEquals("invalid_request_error", error.getString("type"));
    assertEquals("model", error.getString("param"));
    assertEquals(401, await(gw.get("/v1/models/chat").send()).statusCode());
  }

  @Test
  void a_key_retrieves_only_the_models_it_may_use() throws Exception {
    String key = key(new JsonArray().add("chat").add("vault"));
    OpenAIClient openai = sdk(key);
    try {
      assertEquals("chat", openai.models().retrieve("chat").id());
      assertEquals("secret", openai.models().retrieve("secret").id(), "granted through its access group");
      assertThrows(NotFoundException.class, () -> openai.models().retrieve("openai/gpt-4o"));
      assertThrows(NotFoundException.class, () -> openai.models().retrieve("groq/llama-3-8b"));
    } finally {
      openai.close();
    }
  }

  @Test
  void wildcard_routes_are_listed_only_when_asked() throws Exception {
    HttpResponse<Buffer> plain = await(gw.get("/v1/models").putHeader("Authorization", "Bearer " + MASTER).send());
    assertEquals(List.of("openai/gpt-4o", "chat", "secret"), ids(plain));
    HttpResponse<Buffer> wild = await(gw.get("/v1/models?return_wildcard_routes=true")
        .putHeader("Authorization", "Bearer " + MASTER).send());
    assertEquals(List.of("openai/gpt-4o", "chat", "secret", "groq/*"), ids(wild));
    String key = key(new JsonArray().add("chat"));
    HttpResponse<Buffer> limited = await(gw.get("/v1/models?return_wildcard_routes=true").putHeader("Authorization", "Bearer " + key).send());
    assertEquals(List.of("chat"), ids(limited));
  }

  private static List<String> ids(HttpResponse<Buffer> list) {
    assertEquals(200, list.statusCode(), list.bodyAsString());
    return list.bodyAsJsonObject().getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList();
  }
}
