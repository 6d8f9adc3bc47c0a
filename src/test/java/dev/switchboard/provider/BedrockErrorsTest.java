package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.BedrockMock;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bedrock's errors (signature refusals included), before and during a stream, reach the client as LiteLLM's classes. */
@ExtendWith(VertxExtension.class)
class BedrockErrorsTest {

  private static final String TOKEN = "session-token-errors";

  private BedrockMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new BedrockMock(vertx, TOKEN);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> {
          StringBuilder yaml = new StringBuilder("model_list:\n");
          for (String model : List.of(BedrockMock.MODEL, BedrockMock.NOT_FOUND, BedrockMock.THROTTLED, BedrockMock.TOO_LONG,
              BedrockMock.BROKEN, BedrockMock.UNAVAILABLE, BedrockMock.MID_STREAM_ERROR)) {
            yaml.append(deployment(model, model, m.port(), BedrockMock.SECRET, TOKEN, ""));
          }
          yaml.append(deployment("wrong-secret", BedrockMock.MODEL, m.port(), "not-the-secret", TOKEN, ""));
          yaml.append(deployment("no-token", BedrockMock.MODEL, m.port(), BedrockMock.SECRET, null, ""));
          yaml.append(deployment("retried", BedrockMock.THROTTLED_ONCE, m.port(), BedrockMock.SECRET, TOKEN, ", max_retries: 1"));
          yaml.append("router_settings: {num_retries: 0}\n");
          return Gateways.start(yaml.toString());
        })
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  private static String deployment(String name, String model, int port, String secret, String token, String extra) {
    return ("  - model_name: \"%s\"\n    litellm_params: {model: \"bedrock/%s\", api_base: \"http://127.0.0.1:%d\", "
        + "aws_access_key_id: %s, aws_secret_access_key: \"%s\", aws_region_name: us-east-1%s%s}\n")
        .formatted(name, model, port, BedrockMock.KEY_ID, secret, token == null ? "" : ", aws_session_token: " + token, extra);
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(), mock.stop())
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> chat(String model) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(Requests.hi(model));
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void a_signature_aws_refuses_is_an_authentication_error_naming_no_secret(VertxTestContext ctx) {
    Future.all(chat("wrong-secret"), chat("no-token")).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      HttpResponse<Buffer> wrongSecret = all.resultAt(0);
      assertEquals(401, wrongSecret.statusCode(), wrongSecret.bodyAsString());
      assertEquals("authentication_error", error(wrongSecret).getString("type"));
      assertTrue(error(wrongSecret).getString("message").contains("signature we calculated does not match"), wrongSecret.bodyAsString());
      assertFalse(wrongSecret.bodyAsString().contains("not-the-secret"));
      assertFalse(wrongSecret.bodyAsString().contains(TOKEN), "AWS quotes the canonical request: its token is redacted");
      HttpResponse<Buffer> noToken = all.resultAt(1);
      assertEquals(401, noToken.statusCode(), noToken.bodyAsString());
      assertTrue(error(noToken).getString("message").contains("security token included in the request is invalid"),
          noToken.bodyAsString());
      ctx.completeNow();
    })));
  }

  @Test
  void each_bedrock_error_maps_to_its_litellm_class(VertxTestContext ctx) {
    Future.all(List.of(chat(BedrockMock.NOT_FOUND), chat(BedrockMock.THROTTLED), chat(BedrockMock.TOO_LONG),
            chat(BedrockMock.BROKEN), chat(BedrockMock.UNAVAILABLE)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> notFound = all.resultAt(0);
          assertEquals(404, notFound.statusCode(), notFound.bodyAsString());
          assertTrue(error(notFound).getString("message").contains("Could not resolve the foundation model"));
          HttpResponse<Buffer> throttled = all.resultAt(1);
          assertEquals(429, throttled.statusCode());
          assertEquals("rate_limit_error", error(throttled).getString("type"));
          HttpResponse<Buffer> tooLong = all.resultAt(2);
          assertEquals(400, tooLong.statusCode());
          assertEquals("context_length_exceeded", error(tooLong).getString("code"), tooLong.bodyAsString());
          assertEquals(500, all.<HttpResponse<Buffer>>resultAt(3).statusCode());
          HttpResponse<Buffer> unavailable = all.resultAt(4);
          assertEquals(503, unavailable.statusCode());
          assertTrue(error(unavailable).getString("message").contains("unable to process"), unavailable.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_throttled_call_is_retried_and_then_answered(VertxTestContext ctx) {
    chat("retried").onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(2, mock.received().size(), "one ThrottlingException, then the answer");
      ctx.completeNow();
    })));
  }

  @Test
  void an_exception_frame_mid_stream_ends_it_with_its_class_and_no_done(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(BedrockMock.MID_STREAM_ERROR).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("throttlingException"), text);
          assertTrue(text.contains("\"rate_limit_error\""), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_parameter_converse_cannot_take_is_refused_by_name_before_any_call(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(BedrockMock.MODEL).put("logit_bias", new JsonObject().put("50256", -100)).build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode());
          assertEquals("logit_bias", error(response).getString("param"));
          assertTrue(mock.received().isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void embeddings_of_a_model_that_is_not_titan_are_refused_before_any_call(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/embeddings")
        .sendJsonObject(Requests.embeddings(BedrockMock.MODEL, "one"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode(), response.bodyAsString());
          assertTrue(error(response).getString("message").contains("amazon.titan-embed"), response.bodyAsString());
          assertTrue(mock.received().isEmpty());
          ctx.completeNow();
        })));
  }
}
