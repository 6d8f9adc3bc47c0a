package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An https provider that offers HTTP/2 gets HTTP/2; certificates are verified unless ssl_verify is off. */
@ExtendWith(VertxExtension.class)
class TlsUpstreamTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual().mockOverTls();

  private Future<Gateway> gateway(boolean sslVerify) {
    return gw.start(new MockProvider(gw.vertx()), m -> """
        model_list:
          - {model_name: m, litellm_params: {model: openai/secure, api_base: "https://127.0.0.1:%d/v1", api_key: sk-up}}
        litellm_settings: {ssl_verify: %s}
        """.formatted(m.port(), sslVerify));
  }

  private static JsonObject chat(boolean stream) {
    return Requests.chat("m").put("stream", stream).build();
  }

  @Test
  void requests_and_streams_go_over_http2_when_the_provider_offers_it(VertxTestContext ctx) {
    gateway(false)
        .compose(g -> gw.post("/v1/chat/completions").sendJsonObject(chat(false)))
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            assertEquals(HttpVersion.HTTP_2, gw.mock().last().version());
          });
          return gw.post("/v1/chat/completions").sendJsonObject(chat(true));
        })
        .onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
          assertTrue(streamed.bodyAsString().contains("tok2 ") && streamed.bodyAsString().endsWith("data: [DONE]\n\n"),
              streamed.bodyAsString());
          assertEquals(HttpVersion.HTTP_2, gw.mock().last().version());
          ctx.completeNow();
        })));
  }

  @Test
  void an_untrusted_certificate_is_refused_by_default(VertxTestContext ctx) {
    gateway(true)
        .compose(g -> gw.post("/v1/chat/completions").sendJsonObject(chat(false)))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(503, response.statusCode(), response.bodyAsString());
          assertTrue(gw.mock().received().isEmpty());
          ctx.completeNow();
        })));
  }
}
