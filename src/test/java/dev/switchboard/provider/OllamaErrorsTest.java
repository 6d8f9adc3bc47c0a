package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.OllamaMock;
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

/** Ollama's errors ({@code {"error":"..."}}), before and during a stream, reach the client as LiteLLM's error classes. */
@ExtendWith(VertxExtension.class)
class OllamaErrorsTest {

  private OllamaMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new OllamaMock(vertx);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> {
          StringBuilder yaml = new StringBuilder("model_list:\n");
          for (String model : List.of(OllamaMock.MISSING, OllamaMock.BAD, OllamaMock.BROKEN, OllamaMock.MID_STREAM_ERROR,
              OllamaMock.CUT, OllamaMock.ENDS_EARLY)) {
            yaml.append("  - model_name: %1$s\n    litellm_params: {model: ollama_chat/%1$s, api_base: \"http://127.0.0.1:%2$d\"}\n"
                .formatted(model, m.port()));
          }
          yaml.append("  - model_name: wrong-base\n    litellm_params: {model: ollama/llama3, api_base: \"http://127.0.0.1:%d/v1\"}\n"
              .formatted(m.port()));
          yaml.append("router_settings: {num_retries: 0}\n");
          return Gateways.start(yaml.toString());
        })
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(), mock.stop())
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> chat(JsonObject body) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(body);
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void each_ollama_error_maps_to_its_litellm_class(VertxTestContext ctx) {
    Future.all(List.of(chat(Requests.hi(OllamaMock.MISSING)), chat(Requests.hi(OllamaMock.BAD)),
            chat(Requests.hi(OllamaMock.BROKEN)), chat(Requests.hi("wrong-base"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> missing = all.resultAt(0);
          assertEquals(404, missing.statusCode(), missing.bodyAsString());
          assertEquals("not_found_error", error(missing).getString("type"));
          assertTrue(error(missing).getString("message").contains("try pulling it first"), missing.bodyAsString());
          HttpResponse<Buffer> bad = all.resultAt(1);
          assertEquals(400, bad.statusCode(), bad.bodyAsString());
          assertTrue(error(bad).getString("message").contains("num_predict must be a number"), bad.bodyAsString());
          HttpResponse<Buffer> broken = all.resultAt(2);
          assertEquals(500, broken.statusCode(), broken.bodyAsString());
          assertTrue(error(broken).getString("message").contains("llama runner process has terminated"), broken.bodyAsString());
          HttpResponse<Buffer> wrongBase = all.resultAt(3);
          assertEquals(404, wrongBase.statusCode(), "an api_base with a path: the mock knows no /v1/api/generate");
          ctx.completeNow();
        })));
  }

  @Test
  void an_error_line_mid_stream_ends_it_with_an_error_event_and_no_done(VertxTestContext ctx) {
    chat(Requests.chat(OllamaMock.MID_STREAM_ERROR).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("unexpected EOF"), text);
          assertTrue(text.contains("\"error\""), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_connection_closed_before_the_done_line_ends_the_stream_with_an_error(VertxTestContext ctx) {
    chat(Requests.chat(OllamaMock.CUT).streamWithUsage().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("upstream_connection_error"), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_stream_that_ends_without_its_done_line_is_an_error_not_a_quiet_done(VertxTestContext ctx) {
    chat(Requests.chat(OllamaMock.ENDS_EARLY).stream().build())
        .map(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("upstream_connection_error"), text);
          assertFalse(text.contains("[DONE]"), text);
        }))
        .compose(v -> client.post(gateway.port(), "127.0.0.1", "/v1/messages").sendJsonObject(
            Requests.messages(OllamaMock.ENDS_EARLY).user("Hi").put("max_tokens", 20).put("stream", true).build()))
        .onComplete(ctx.succeeding(messages -> ctx.verify(() -> {
          String text = messages.bodyAsString();
          assertTrue(text.contains("event: error\n"), text);
          assertFalse(text.contains("message_stop"), "Anthropic clients too see the cut: " + text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_parameter_ollama_cannot_take_is_refused_by_name_before_any_call(VertxTestContext ctx) {
    chat(Requests.chat(OllamaMock.BROKEN).put("logit_bias", new JsonObject().put("50256", -100)).build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode());
          assertEquals("logit_bias", error(response).getString("param"));
          assertTrue(mock.received().isEmpty());
          ctx.completeNow();
        })));
  }
}
