package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code x-litellm-response-cost} is a plain decimal, in a header and in a stream's trailer alike. */
@ExtendWith(VertxExtension.class)
class CostHeaderTest {

  // 10 prompt and 5 completion tokens at these prices: 3.2999999999999997E-6 in double arithmetic.
  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.00000011, output_cost_per_token: 0.00000044}
      """.formatted(m.apiBase()));

  private static JsonObject chat(boolean stream) {
    return Requests.chat("chat").put("stream", stream).build();
  }

  @Test
  void an_answers_cost_is_a_plain_decimal(VertxTestContext ctx) {
    gw.post("/v1/chat/completions").sendJsonObject(chat(false))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertEquals("0.0000033", answer.getHeader("x-litellm-response-cost"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_streams_cost_trailer_is_a_plain_decimal(VertxTestContext ctx) {
    gw.post("/v1/chat/completions").sendJsonObject(chat(true))
        .onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
          assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
          // 10 prompt tokens and one completion token per chunk (3).
          assertEquals("0.00000242", streamed.trailers().get("x-litellm-response-cost"), streamed.trailers().toString());
          ctx.completeNow();
        })));
  }
}
