package dev.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code general_settings.vertx_http_metrics: true} brings back Vert.x's per-request HTTP meters. */
@ExtendWith(VertxExtension.class)
class VertxHttpMetersTest {

  static final String MASTER = "sk-vertx-meters-master-0123";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/upstream-ok, api_base: "%1$s", api_key: sk-upstream}
      general_settings: {master_key: %2$s, vertx_http_metrics: true}
      """.formatted(m.apiBase(), MASTER));

  @Test
  void server_and_client_meters_count_a_call_when_turned_on(Vertx vertx, VertxTestContext ctx) {
    gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat("chat").user("Hello").build())
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          return Awaits.until(vertx, () -> gw.gateway().metrics().scrape().contains("vertx_http_client_requests_total"), 10_000);
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          String text = gw.gateway().metrics().scrape();
          assertTrue(text.contains("vertx_http_server_requests_total"), "Vert.x HTTP server meters");
          assertTrue(text.contains("vertx_http_client_requests_total"), "Vert.x HTTP client meters toward the provider");
          ctx.completeNow();
        })));
  }
}
