package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.CohereMock;
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

/** Cohere's errors, before and during a stream, reach the client as LiteLLM's error classes, the key never among them. */
@ExtendWith(VertxExtension.class)
class CohereErrorsTest {

  private static final String WRONG_KEY = "co-wrong-key-9876543210";

  private CohereMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new CohereMock(vertx);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> {
          StringBuilder yaml = new StringBuilder("model_list:\n");
          for (String model : List.of("command-r", CohereMock.NOT_FOUND, CohereMock.RATE_LIMITED, CohereMock.RATE_LIMITED_NO_RETRY,
              CohereMock.TOO_LONG, CohereMock.BROKEN, CohereMock.OVERLOADED, CohereMock.MID_STREAM_ERROR, CohereMock.CUT_SHORT)) {
            yaml.append(deployment(model, model, m.port(), "os.environ/COHERE_TEST_KEY"));
          }
          yaml.append(deployment("wrong-key", "command-r", m.port(), WRONG_KEY));
          yaml.append("router_settings: {num_retries: 0}\n");
          return Gateways.start(yaml.toString(), Map.of("COHERE_TEST_KEY", CohereMock.KEY));
        })
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  private static String deployment(String name, String model, int port, String key) {
    return "  - model_name: %s\n    litellm_params: {model: cohere_chat/%s, api_base: \"http://127.0.0.1:%d\", api_key: %s}\n"
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
  void each_cohere_error_maps_to_its_litellm_class(VertxTestContext ctx) {
    Future.all(List.of(chat("wrong-key"), chat(CohereMock.NOT_FOUND), chat(CohereMock.RATE_LIMITED),
            chat(CohereMock.RATE_LIMITED_NO_RETRY), chat(CohereMock.TOO_LONG), chat(CohereMock.BROKEN), chat(CohereMock.OVERLOADED)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> wrongKey = all.resultAt(0);
          assertEquals(401, wrongKey.statusCode(), wrongKey.bodyAsString());
          assertEquals("authentication_error", error(wrongKey).getString("type"));
          assertTrue(error(wrongKey).getString("message").contains("invalid api token"), wrongKey.bodyAsString());
          assertFalse(wrongKey.bodyAsString().contains(WRONG_KEY), "the key is never echoed");
          HttpResponse<Buffer> notFound = all.resultAt(1);
          assertEquals(404, notFound.statusCode(), notFound.bodyAsString());
          assertEquals("not_found_error", error(notFound).getString("type"));
          HttpResponse<Buffer> limited = all.resultAt(2);
          assertEquals(429, limited.statusCode());
          assertEquals("rate_limit_error", error(limited).getString("type"));
          assertEquals("7", limited.getHeader("retry-after"));
          HttpResponse<Buffer> limitedPlain = all.resultAt(3);
          assertEquals(429, limitedPlain.statusCode());
          assertEquals("rate_limit_error", error(limitedPlain).getString("type"));
          assertTrue(error(limitedPlain).getString("message").contains("Trial key"), limitedPlain.bodyAsString());
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
  void a_generation_error_mid_stream_ends_it_with_an_error_event_and_no_done(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(CohereMock.MID_STREAM_ERROR).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("\"error\""), text);
          assertTrue(text.contains("internal server error"), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_stream_that_stops_before_message_end_is_an_error_not_a_quiet_done(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(CohereMock.CUT_SHORT).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("\"error\""), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_parameter_cohere_cannot_take_is_refused_by_name_before_any_call(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat("command-r").put("logit_bias", new JsonObject().put("50256", -100)).build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode());
          assertEquals("logit_bias", error(response).getString("param"));
          assertNull(mock.last());
          ctx.completeNow();
        })));
  }
}
