package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A bare * route asked for a provider the gateway does not know: a 400 naming it, not "no such model". */
@ExtendWith(VertxExtension.class)
class WildcardUnknownProviderTest {

  @RegisterExtension
  static final GatewayExtension GW = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: "*", litellm_params: {model: "*", api_base: "%1$s", api_key: sk-up}}
      """.formatted(m.apiBase()));

  @Test
  void an_unknown_provider_through_a_bare_star_is_a_400_naming_it(VertxTestContext ctx) {
    GW.post("/v1/chat/completions").sendJsonObject(Requests.hi("bogus/some-model"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode(), response.bodyAsString());
          JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
          assertEquals("unsupported_provider", error.getString("code"));
          assertTrue(error.getString("message").contains("LLM Provider NOT provided")
              && error.getString("message").contains("'bogus'"), error.getString("message"));
          ctx.completeNow();
        })));
  }
}
