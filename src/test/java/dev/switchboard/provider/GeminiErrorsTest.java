package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.GeminiMock;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Gemini's errors, before and during a stream, reach the client as LiteLLM's error classes. */
@ExtendWith(VertxExtension.class)
class GeminiErrorsTest {

  private GeminiMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new GeminiMock(vertx);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> {
          StringBuilder yaml = new StringBuilder("model_list:\n");
          for (String model : List.of("gemini-2.5-flash", GeminiMock.NOT_FOUND, GeminiMock.FORBIDDEN, GeminiMock.RATE_LIMITED,
              GeminiMock.TOO_LONG, GeminiMock.BROKEN, GeminiMock.OVERLOADED, GeminiMock.MID_STREAM_ERROR, GeminiMock.BLOCKED)) {
            yaml.append(deployment(model, model, m.port(), "os.environ/GEMINI_TEST_KEY"));
          }
          yaml.append(deployment("wrong-key", "gemini-2.5-flash", m.port(), "AIza-wrong"));
          yaml.append("router_settings: {num_retries: 0}\n");
          return Gateways.start(yaml.toString(), Map.of("GEMINI_TEST_KEY", GeminiMock.KEY));
        })
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  private static String deployment(String name, String model, int port, String key) {
    return "  - model_name: %s\n    litellm_params: {model: gemini/%s, api_base: \"http://127.0.0.1:%d\", api_key: %s}\n"
        .formatted(name, model, port, key);
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
  void each_gemini_error_maps_to_its_litellm_class(VertxTestContext ctx) {
    Future.all(List.of(chat("wrong-key"), chat(GeminiMock.FORBIDDEN), chat(GeminiMock.NOT_FOUND),
            chat(GeminiMock.RATE_LIMITED), chat(GeminiMock.TOO_LONG), chat(GeminiMock.BROKEN), chat(GeminiMock.OVERLOADED)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> wrongKey = all.resultAt(0);
          assertEquals(401, wrongKey.statusCode(), wrongKey.bodyAsString());
          assertEquals("authentication_error", error(wrongKey).getString("type"));
          assertFalse(wrongKey.bodyAsString().contains("AIza-wrong"), "the key is never echoed");
          HttpResponse<Buffer> forbidden = all.resultAt(1);
          assertEquals(403, forbidden.statusCode(), forbidden.bodyAsString());
          assertEquals(404, all.<HttpResponse<Buffer>>resultAt(2).statusCode());
          HttpResponse<Buffer> limited = all.resultAt(3);
          assertEquals(429, limited.statusCode());
          assertEquals("rate_limit_error", error(limited).getString("type"));
          assertEquals("7", limited.getHeader("retry-after"), "from Gemini's RetryInfo (6.2 s), rounded up");
          HttpResponse<Buffer> tooLong = all.resultAt(4);
          assertEquals(400, tooLong.statusCode());
          assertEquals("context_length_exceeded", error(tooLong).getString("code"), tooLong.bodyAsString());
          assertEquals(500, all.<HttpResponse<Buffer>>resultAt(5).statusCode());
          HttpResponse<Buffer> overloaded = all.resultAt(6);
          assertEquals(503, overloaded.statusCode());
          assertTrue(error(overloaded).getString("message").contains("overloaded"), overloaded.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_failure_mid_stream_ends_it_with_an_error_event_and_no_done(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(GeminiMock.MID_STREAM_ERROR).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("overloaded"), text);
          assertTrue(text.contains("\"error\""), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_refused_prompt_is_a_content_filter_finish(VertxTestContext ctx) {
    chat(GeminiMock.BLOCKED).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject choice = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
      assertEquals("content_filter", choice.getString("finish_reason"));
      assertEquals(7, response.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens"));
      ctx.completeNow();
    })));
  }

  @Test
  void a_parameter_gemini_cannot_take_is_refused_by_name_before_any_call(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat("gemini-2.5-flash").put("logit_bias", new JsonObject().put("50256", -100)).build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode());
          assertEquals("logit_bias", error(response).getString("param"));
          assertTrue(mock.received().isEmpty());
          ctx.completeNow();
        })));
  }
}
