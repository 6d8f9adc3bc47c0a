package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A deployment with an unknown provider prefix is disabled; the gateway starts and every other model serves. */
@ExtendWith(VertxExtension.class)
class UnknownProviderTest {

  @RegisterExtension
  static final GatewayExtension GW = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: bad, litellm_params: {model: bogus/x}}
        - {model_name: good, litellm_params: {model: openai/gpt-good, api_base: "%1$s", api_key: sk-up}}
        - {model_name: mixed, litellm_params: {model: bogus/y}}
        - {model_name: mixed, litellm_params: {model: openai/gpt-mixed, api_base: "%1$s", api_key: sk-up}}
      """.formatted(m.apiBase()));

  @Test
  void the_model_list_names_only_the_models_that_serve(VertxTestContext ctx) {
    GW.get("/v1/models").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode());
      List<Object> ids = response.bodyAsJsonObject().getJsonArray("data").stream()
          .map(m -> ((JsonObject) m).getValue("id")).toList();
      assertEquals(List.of("good", "mixed"), ids);
      ctx.completeNow();
    })));
  }

  @Test
  void a_chat_call_to_the_disabled_model_gets_a_400_naming_the_provider_in_openai_format(VertxTestContext ctx) {
    GW.post("/v1/chat/completions").sendJsonObject(Requests.hi("bad"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode(), response.bodyAsString());
          JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
          assertEquals("invalid_request_error", error.getString("type"));
          assertEquals("unsupported_provider", error.getString("code"));
          String message = error.getString("message");
          assertTrue(message.contains("LLM Provider NOT provided") && message.contains("'bogus'")
              && message.contains("model_list[0].litellm_params.model") && message.contains("known providers: openai"),
              message);
          ctx.completeNow();
        })));
  }

  @Test
  void a_messages_call_to_the_disabled_model_gets_a_400_in_anthropic_format(VertxTestContext ctx) {
    GW.post("/v1/messages").putHeader("anthropic-version", "2023-06-01")
        .sendJsonObject(Requests.messages("bad").maxTokens(16).build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode(), response.bodyAsString());
          JsonObject body = response.bodyAsJsonObject();
          assertEquals("error", body.getString("type"), body.encode());
          assertEquals("invalid_request_error", body.getJsonObject("error").getString("type"));
          assertTrue(body.getJsonObject("error").getString("message").contains("provider 'bogus'"), body.encode());
          ctx.completeNow();
        })));
  }

  @Test
  void the_good_models_serve_and_a_name_with_a_good_deployment_uses_it(VertxTestContext ctx) {
    GW.post("/v1/chat/completions").sendJsonObject(Requests.hi("good"))
        .compose(good -> {
          ctx.verify(() -> assertEquals(200, good.statusCode(), good.bodyAsString()));
          return GW.post("/v1/chat/completions").sendJsonObject(Requests.hi("mixed"));
        })
        .onComplete(ctx.succeeding(mixed -> ctx.verify(() -> {
          assertEquals(200, mixed.statusCode(), mixed.bodyAsString());
          assertEquals("gpt-mixed", GW.mock().last().body().getString("model"));
          ctx.completeNow();
        })));
  }
}
