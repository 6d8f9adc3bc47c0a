package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An https provider that offers HTTP/2 gets HTTP/2; certificates are verified unless ssl_verify is off. */
@ExtendWith(VertxExtension.class)
class TlsUpstreamTest {

  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.startTls().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(), mock.stop())
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Gateway> gateway(boolean sslVerify) {
    return Gateways.start("""
        model_list:
          - {model_name: m, litellm_params: {model: openai/secure, api_base: "https://127.0.0.1:%d/v1", api_key: sk-up}}
        litellm_settings: {ssl_verify: %s}
        """.formatted(mock.port(), sslVerify)).onSuccess(g -> gateway = g);
  }

  private static JsonObject chat(boolean stream) {
    return new JsonObject().put("model", "m").put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  @Test
  void requests_and_streams_go_over_http2_when_the_provider_offers_it(VertxTestContext ctx) {
    gateway(false)
        .compose(g -> client.post(g.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(chat(false)))
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            assertEquals(HttpVersion.HTTP_2, mock.last().version());
          });
          return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(chat(true));
        })
        .onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
          assertTrue(streamed.bodyAsString().contains("tok2 ") && streamed.bodyAsString().endsWith("data: [DONE]\n\n"),
              streamed.bodyAsString());
          assertEquals(HttpVersion.HTTP_2, mock.last().version());
          ctx.completeNow();
        })));
  }

  @Test
  void an_untrusted_certificate_is_refused_by_default(VertxTestContext ctx) {
    gateway(true)
        .compose(g -> client.post(g.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(chat(false)))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(503, response.statusCode(), response.bodyAsString());
          assertTrue(mock.received().isEmpty());
          ctx.completeNow();
        })));
  }
}
