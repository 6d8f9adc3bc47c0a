package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM's wildcard routing: {@code openai/*} and {@code *} serve any matching name, the requested model substituted. */
@ExtendWith(VertxExtension.class)
class WildcardRoutingTest {

  @RegisterExtension
  static final GatewayExtension GW = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: "*", litellm_params: {model: "openai/*", api_base: "%1$s", api_key: sk-up}}
        - {model_name: "openai/*", litellm_params: {model: "openai/*", api_base: "%1$s", api_key: sk-up}}
        - {model_name: "openai/special-*", litellm_params: {model: "openai/tuned-*", api_base: "%1$s", api_key: sk-up}}
        - {model_name: "openai/gpt-4o-mini", litellm_params: {model: openai/exact-mini, api_base: "%1$s", api_key: sk-up}}
        - {model_name: concrete, litellm_params: {model: openai/concrete-up, api_base: "%1$s", api_key: sk-up}}
      """.formatted(m.apiBase()));

  private static Future<String> upstreamModelFor(String requested) {
    return GW.post("/v1/chat/completions").sendJsonObject(Requests.hi(requested)).map(response -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      return GW.mock().last().body().getString("model");
    });
  }

  @Test
  void the_model_list_names_the_concrete_models_not_the_patterns(VertxTestContext ctx) {
    GW.get("/v1/models").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      List<Object> ids = response.bodyAsJsonObject().getJsonArray("data").stream()
          .map(m -> ((JsonObject) m).getValue("id")).toList();
      assertEquals(List.of("openai/gpt-4o-mini", "concrete"), ids);
      ctx.completeNow();
    })));
  }

  @Test
  void a_matching_name_reaches_the_provider_with_the_requested_model_and_exact_names_win(VertxTestContext ctx) {
    upstreamModelFor("openai/gpt-4.1")
        .compose(model -> {
          ctx.verify(() -> assertEquals("gpt-4.1", model, "openai/* substitutes the requested model"));
          return upstreamModelFor("openai/gpt-4o-mini");
        })
        .compose(model -> {
          ctx.verify(() -> assertEquals("exact-mini", model, "an exact model_name wins over any pattern"));
          return upstreamModelFor("openai/special-v2");
        })
        .compose(model -> {
          ctx.verify(() -> assertEquals("tuned-v2", model, "the most specific pattern wins"));
          return upstreamModelFor("llama-3.3-70b");
        })
        .onComplete(ctx.succeeding(model -> ctx.verify(() -> {
          assertEquals("llama-3.3-70b", model, "* catches the rest");
          ctx.completeNow();
        })));
  }

  @Test
  void spend_is_priced_by_the_substituted_model(VertxTestContext ctx) {
    GW.mock().reporting("gpt-4o", 1000, 1000).reporting("unpriced-x", 1000, 1000);
    Future<HttpResponse<Buffer>> priced = GW.post("/v1/chat/completions").sendJsonObject(Requests.hi("openai/gpt-4o"));
    priced.compose(gpt4o -> {
      ctx.verify(() -> {
        assertEquals(200, gpt4o.statusCode(), gpt4o.bodyAsString());
        // gpt-4o: $2.50 in, $10 out per million tokens.
        assertEquals(0.0125, Double.parseDouble(gpt4o.getHeader("x-litellm-response-cost")), 1e-9);
      });
      return GW.post("/v1/chat/completions").sendJsonObject(Requests.hi("openai/unpriced-x"));
    }).onComplete(ctx.succeeding(unpriced -> ctx.verify(() -> {
      assertEquals(200, unpriced.statusCode(), unpriced.bodyAsString());
      assertEquals(0.0, Double.parseDouble(unpriced.getHeader("x-litellm-response-cost")), 1e-12);
      ctx.completeNow();
    })));
  }
}
