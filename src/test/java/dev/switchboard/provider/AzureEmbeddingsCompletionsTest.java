package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Azure's URL shape and header, and the embeddings and legacy completions endpoints. */
@ExtendWith(VertxExtension.class)
class AzureEmbeddingsCompletionsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(
      vertx -> new MockProvider(vertx).on("gpt4o-prod", Behaviour.ok().withChunks(3, 0)),
      m -> """
      model_list:
        - model_name: azure-chat
          litellm_params: {model: azure/gpt4o-prod, api_base: "http://127.0.0.1:%1$d/", api_key: azure-secret, api_version: "2024-06-01"}
        - model_name: azure-embed
          litellm_params: {model: azure/embed-prod, api_base: "http://127.0.0.1:%1$d", api_key: azure-secret}
        - model_name: embed
          litellm_params: {model: openai/text-embedding-3-small, api_base: "%2$s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.5}
        - model_name: instruct
          litellm_params: {model: openai/gpt-3.5-turbo-instruct, api_base: "%2$s", api_key: sk-up}
      """.formatted(m.port(), m.apiBase()));

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return gw.post(path).sendJsonObject(body);
  }

  private static JsonObject chat(String model) {
    return Requests.hi(model);
  }

  @Test
  void azure_chat_uses_the_deployments_url_the_api_version_and_the_api_key_header(VertxTestContext ctx) {
    post("/v1/chat/completions", chat("azure-chat")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      MockProvider.Received upstream = gw.mock().last();
      assertEquals("/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-06-01", upstream.uri());
      assertEquals("azure-secret", upstream.headers().get("api-key"));
      assertNull(upstream.headers().get("authorization"), "Azure takes its key in api-key only");
      ctx.completeNow();
    })));
  }

  @Test
  void azure_streams(VertxTestContext ctx) {
    post("/v1/chat/completions", chat("azure-chat").put("stream", true)).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      String body = response.bodyAsString();
      assertTrue(body.contains("tok0 ") && body.contains("tok2 ") && body.endsWith("data: [DONE]\n\n"), body);
      ctx.completeNow();
    })));
  }

  @Test
  void azure_embeddings_default_to_the_ga_api_version(VertxTestContext ctx) {
    post("/v1/embeddings", new JsonObject().put("model", "azure-embed").put("input", "hello"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          assertEquals("/openai/deployments/embed-prod/embeddings?api-version=" + AzureAdapter.DEFAULT_API_VERSION,
              gw.mock().last().uri());
          ctx.completeNow();
        })));
  }

  @Test
  void embeddings_are_relayed_and_priced(Vertx vertx, VertxTestContext ctx) {
    JsonObject request = new JsonObject().put("model", "embed").put("input", new JsonArray().add("a").add("b").add("c"));
    post("/v1/embeddings", request)
        .compose(response -> {
          ctx.verify(() -> {
            assertEquals(200, response.statusCode(), response.bodyAsString());
            JsonArray data = response.bodyAsJsonObject().getJsonArray("data");
            assertEquals(3, data.size());
            assertEquals("text-embedding-3-small", gw.mock().last().body().getString("model"));
            assertEquals("/v1/embeddings", gw.mock().last().uri());
          });
          return Awaits.until(vertx, () -> gw.gateway().ledger().totals("embed").requests() == 1, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(3, gw.gateway().ledger().totals("embed").promptTokens());
          assertEquals(1.5, gw.gateway().ledger().totals("embed").cost(), 1e-9);
          ctx.completeNow();
        })));
  }

  @Test
  void legacy_text_completions_are_relayed(VertxTestContext ctx) {
    post("/completions", new JsonObject().put("model", "instruct").put("prompt", "Say hi"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          assertEquals("completed by gpt-3.5-turbo-instruct",
              response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text"));
          assertEquals("/v1/completions", gw.mock().last().uri());
          ctx.completeNow();
        })));
  }

  @Test
  void a_missing_input_or_prompt_is_400_naming_it(VertxTestContext ctx) {
    Future.all(
            post("/v1/embeddings", new JsonObject().put("model", "embed")),
            post("/v1/embeddings", new JsonObject().put("model", "embed").put("input", new JsonArray())),
            post("/v1/completions", new JsonObject().put("model", "instruct").put("prompt", 7)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          String[] params = {"input", "input", "prompt"};
          for (int i = 0; i < params.length; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(400, response.statusCode());
            assertEquals(params[i], response.bodyAsJsonObject().getJsonObject("error").getString("param"));
          }
          assertTrue(gw.mock().received().isEmpty());
          ctx.completeNow();
        })));
  }
}
