package dev.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** general_settings.metrics_auth: /metrics asks for the master key. */
@ExtendWith(VertxExtension.class)
class MetricsAuthTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
      general_settings: {master_key: %s, metrics_auth: true}
      """.formatted(m.apiBase(), MASTER));

  static final String MASTER = "sk-metrics-auth-0123456789";

  @Test
  void metrics_auth_asks_for_the_master_key(VertxTestContext ctx) {
    gw.get("/metrics").send()
        .compose(anonymous -> {
          ctx.verify(() -> {
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.bodyAsJsonObject().getJsonObject("error").getString("request_id") != null);
          });
          return gw.get("/metrics").putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(master -> ctx.verify(() -> {
          assertEquals(200, master.statusCode());
          assertTrue(master.bodyAsString().contains("litellm_deployment_state"));
          ctx.completeNow();
        })));
  }
}
