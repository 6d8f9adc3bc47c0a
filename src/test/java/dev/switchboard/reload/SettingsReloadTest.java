package dev.switchboard.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.callbacks.SinkServer;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** POST /config/reload puts guardrails and logging callbacks in force, as it does the model list. */
@ExtendWith(VertxExtension.class)
class SettingsReloadTest {

  private static final String MASTER = "sk-master-settings-reload";

  private MockProvider mock;
  private SinkServer sink;
  private WebClient client;
  private Gateway gateway;
  private final Path file = Gateways.configFile();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    sink = new SinkServer(vertx, SinkServer.Mode.ANSWER, 200);
    client = WebClient.create(vertx);
    mock.start().compose(m -> sink.start()).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).eventually(mock::stop).eventually(sink::stop)
        .onComplete(done -> ctx.completeNow());
  }

  private String config(String litellm, String guardrailWord) {
    return "model_list:\n  - {model_name: chat, litellm_params: {model: openai/gpt-4o, api_base: \"" + mock.apiBase()
        + "\", api_key: sk-up}}\n"
        + "general_settings: {master_key: " + MASTER + "}\n"
        + "environment_variables: {GENERIC_LOGGER_ENDPOINT: \"" + sink.url("/log") + "\"}\n"
        + "litellm_settings:\n  callback_flush_interval: 0.05\n" + litellm
        + "guardrails:\n  - guardrail_name: words\n    litellm_params: {guardrail: litellm_content_filter, "
        + "mode: pre_call, default_on: true, blocked_words: [{keyword: " + guardrailWord + ", action: BLOCK}]}\n";
  }

  private void write(String yaml) {
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Future<HttpResponse<Buffer>> reload() {
    return client.post(gateway.port(), "127.0.0.1", "/config/reload").putHeader("Authorization", "Bearer " + MASTER)
        .send();
  }

  private Future<HttpResponse<Buffer>> chat(String text) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(Requests.chat("chat").user(text).build());
  }

  @Test
  void a_reload_that_adds_a_sink_logs_the_next_requests_there(Vertx vertx, VertxTestContext ctx) {
    Gateways.startFromFile(file, config("", "banana")).onSuccess(g -> gateway = g)
        .compose(g -> chat("before the reload"))
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          write(config("  callbacks: [\"generic_api\"]\n", "banana"));
          return reload();
        })
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          JsonObject changes = answer.bodyAsJsonObject();
          assertTrue(changes.getJsonArray("settings_applied").contains("callbacks"), changes.encode());
          assertTrue(changes.getJsonArray("restart_needed").isEmpty(), "callbacks need no restart: " + changes.encode());
          return chat("after the reload");
        })
        .compose(answer -> Awaits.until(vertx, () -> !sink.postsTo("/log").isEmpty(), 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          String logged = sink.postsTo("/log").get(0).body().toString();
          assertTrue(logged.contains("after the reload"), logged);
          assertFalse(logged.contains("before the reload"), "the sink did not exist then");
          assertEquals(1L, gateway.callbacks().settings().sinks().size());
          ctx.completeNow();
        })));
  }

  @Test
  void a_reload_that_changes_a_guardrail_applies_it_to_the_next_request(Vertx vertx, VertxTestContext ctx) {
    Gateways.startFromFile(file, config("", "banana")).onSuccess(g -> gateway = g)
        .compose(g -> chat("a banana please"))
        .compose(answer -> {
          assertEquals(400, answer.statusCode(), answer.bodyAsString());
          write(config("", "cherry"));
          return reload();
        })
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertTrue(answer.bodyAsJsonObject().getJsonArray("settings_applied").contains("guardrails"),
              answer.bodyAsString());
          return chat("a banana please");
        })
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), "the old word no longer blocks: " + answer.bodyAsString());
          return chat("a cherry please");
        })
        .compose(answer -> {
          assertEquals(400, answer.statusCode(), "the new word blocks: " + answer.bodyAsString());
          // A guardrail that cannot be built refuses the reload whole, and the one in force stays.
          write(config("", "cherry").replace("litellm_content_filter", "no_such_guardrail_kind"));
          return reload();
        })
        .compose(answer -> {
          assertEquals(400, answer.statusCode(), answer.bodyAsString());
          return chat("a cherry please");
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(400, answer.statusCode(), "still the guardrail in force: " + answer.bodyAsString());
          ctx.completeNow();
        })));
  }
}
