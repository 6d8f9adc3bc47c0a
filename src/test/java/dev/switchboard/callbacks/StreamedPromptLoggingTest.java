package dev.switchboard.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A streamed request's prompt reaches the logging callbacks although its body is released when the
 * answer begins, and turn_off_message_logging still hides it.
 */
@ExtendWith(VertxExtension.class)
class StreamedPromptLoggingTest {

  static final String MASTER = "sk-stream-log-master-0123";
  static final String PROMPT = "Which way does the ebb tide run";

  private MockProvider mock;
  private SinkServer sink;
  private Gateway gateway;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        sink == null ? Future.succeededFuture() : sink.stop(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> start(Vertx vertx) {
    mock = new MockProvider(vertx);
    sink = new SinkServer(vertx, SinkServer.Mode.ANSWER, 200);
    client = WebClient.create(vertx);
    return sink.start().compose(s -> mock.start()).compose(m -> Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/gpt-4o, api_base: "%s", api_key: sk-up-1}}
        general_settings: {master_key: %s}
        litellm_settings:
          callbacks: ["generic_api"]
          callback_flush_interval: 0.05
        """.formatted(m.apiBase(), MASTER), Map.of("GENERIC_LOGGER_ENDPOINT", sink.url("/log")), 1))
        .map(g -> {
          gateway = g;
          return null;
        });
  }

  private Future<HttpResponse<Buffer>> stream(JsonObject extra) {
    JsonObject body = Requests.chat("chat").user(PROMPT).stream().build();
    extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private JsonObject logged(int index) {
    return sink.postsTo("/log").stream().flatMap(p -> p.body().toJsonArray().stream())
        .map(JsonObject.class::cast).toList().get(index);
  }

  private int loggedCount() {
    return sink.postsTo("/log").stream().mapToInt(p -> p.body().toJsonArray().size()).sum();
  }

  @Test
  void a_streams_prompt_is_logged_and_turn_off_message_logging_still_hides_it(Vertx vertx, VertxTestContext ctx) {
    start(vertx)
        .compose(v -> stream(new JsonObject()))
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertTrue(answer.bodyAsString().contains("[DONE]"), "it streamed");
          return Awaits.until(vertx, () -> loggedCount() >= 1, 10_000);
        })
        .compose(v -> stream(new JsonObject().put("turn_off_message_logging", true)))
        .compose(answer -> Awaits.until(vertx, () -> loggedCount() >= 2, 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          JsonObject first = logged(0);
          assertEquals(true, first.getBoolean("stream"));
          assertTrue(first.getValue("messages") instanceof JsonArray, first.encode());
          assertTrue(first.getJsonArray("messages").encode().contains(PROMPT), first.encode());
          JsonObject hidden = logged(1);
          assertEquals(LoggingPayload.REDACTED, hidden.getValue("messages"));
          assertTrue(!hidden.encode().contains(PROMPT));
          ctx.completeNow();
        })));
  }
}
