package dev.switchboard.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** POST /config/reload: the new model list in force for new requests, the old one finishing what it started. */
@ExtendWith(VertxExtension.class)
class ConfigReloadTest {

  private static final String MASTER = "sk-master-reload";

  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;
  private final Path file = Gateways.configFile();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).eventually(mock::stop)
        .onComplete(done -> ctx.completeNow());
  }

  private String config(String database, String... models) {
    StringBuilder yaml = new StringBuilder("model_list:\n");
    for (String model : models) {
      yaml.append("  - {model_name: ").append(model).append(", litellm_params: {model: openai/").append(model)
          .append(", api_base: \"").append(mock.apiBase()).append("\", api_key: sk-up}}\n");
    }
    return yaml + "general_settings: {master_key: " + MASTER + ", database_url: \"" + database + "\"}\n";
  }

  private Future<Gateway> gateway(String yaml) {
    return Gateways.startFromFile(file, yaml).onSuccess(started -> gateway = started);
  }

  private void write(String yaml) {
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Future<HttpResponse<Buffer>> reload(String key) {
    return client.post(gateway.port(), "127.0.0.1", "/config/reload").putHeader("Authorization", "Bearer " + key)
        .send();
  }

  private Future<HttpResponse<Buffer>> chat(String model) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat(model).user("hi").build());
  }

  private Future<List<String>> models() {
    return client.get(gateway.port(), "127.0.0.1", "/v1/models").putHeader("Authorization", "Bearer " + MASTER).send()
        .map(r -> r.bodyAsJsonObject().getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList());
  }

  @Test
  void a_reload_adds_a_model_and_removes_another_while_a_request_to_the_removed_one_finishes(Vertx vertx,
      VertxTestContext ctx) {
    mock.hold("leaving");
    Future<HttpResponse<Buffer>>[] inFlight = new Future[1];
    gateway(config("none", "leaving", "staying"))
        .compose(g -> {
          inFlight[0] = chat("leaving");
          return Awaits.until(vertx, () -> mock.received().stream()
              .anyMatch(r -> "leaving".equals(r.body().getString("model"))), 10_000);
        })
        .compose(held -> {
          write(config("none", "staying", "arriving"));
          return reload(MASTER);
        })
        .compose(reloaded -> {
          ctx.verify(() -> {
            assertEquals(200, reloaded.statusCode(), reloaded.bodyAsString());
            JsonObject changes = reloaded.bodyAsJsonObject().getJsonObject("models");
            assertEquals(new JsonArray().add("arriving"), changes.getJsonArray("added"));
            assertEquals(new JsonArray().add("leaving"), changes.getJsonArray("removed"));
            assertEquals(new JsonArray(), changes.getJsonArray("changed"));
            assertEquals(new JsonArray(), reloaded.bodyAsJsonObject().getJsonArray("restart_needed"));
          });
          return models();
        })
        .compose(listed -> {
          ctx.verify(() -> assertEquals(List.of("staying", "arriving"), listed));
          return Future.all(chat("arriving"), chat("leaving"));
        })
        .compose(answers -> {
          HttpResponse<Buffer> arriving = answers.resultAt(0);
          HttpResponse<Buffer> leaving = answers.resultAt(1);
          ctx.verify(() -> {
            assertEquals(200, arriving.statusCode(), arriving.bodyAsString());
            assertEquals(404, leaving.statusCode(), "a new request for a removed model: " + leaving.bodyAsString());
            assertFalse(inFlight[0].isComplete(), "the held request is still in flight");
          });
          mock.releaseHeld("leaving");
          return inFlight[0];
        })
        .compose(finished -> {
          ctx.verify(() -> {
            assertEquals(200, finished.statusCode(), finished.bodyAsString());
            assertTrue(finished.bodyAsString().contains("leaving"));
            assertEquals("leaving", finished.getHeader("x-litellm-model-group"));
          });
          // The permit is given back just after the answer: the removed deployment's request still releases it.
          return Awaits.until(vertx, () -> gateway.rateLimits().inFlight() == 0, 10_000);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** One model, priced per input and output token by {@code model_info}. */
  private String priced(double perToken) {
    return "model_list:\n  - {model_name: chat, litellm_params: {model: openai/chat, api_base: \"" + mock.apiBase()
        + "\", api_key: sk-up}, model_info: {id: chat-1, input_cost_per_token: " + perToken
        + ", output_cost_per_token: " + perToken + "}}\n"
        + "general_settings: {master_key: " + MASTER + ", database_url: none}\n";
  }

  @Test
  void a_request_in_flight_keeps_the_snapshot_it_started_with_prices_included(Vertx vertx, VertxTestContext ctx) {
    mock.hold("chat");
    Future<HttpResponse<Buffer>>[] inFlight = new Future[1];
    double[] usd = new double[2];
    gateway(priced(0.001))
        .compose(g -> {
          inFlight[0] = chat("chat");
          return Awaits.until(vertx, () -> !mock.received().isEmpty(), 10_000);
        })
        .compose(held -> {
          write(priced(0.5));
          return reload(MASTER);
        })
        .compose(reloaded -> {
          ctx.verify(() -> assertEquals(200, reloaded.statusCode(), reloaded.bodyAsString()));
          mock.releaseHeld("chat");
          return inFlight[0];
        })
        .compose(started -> {
          usd[0] = Double.parseDouble(started.getHeader("x-litellm-response-cost"));
          return chat("chat");
        })
        .onComplete(ctx.succeeding(next -> ctx.verify(() -> {
          usd[1] = Double.parseDouble(next.getHeader("x-litellm-response-cost"));
          assertTrue(usd[0] > 0, "the old price applied: " + usd[0]);
          // The same usage costs 500 times more under the new price, and only for the request that began after it.
          assertEquals(500, usd[1] / usd[0], 1e-6, "old " + usd[0] + ", new " + usd[1]);
          ctx.completeNow();
        })));
  }

  @Test
  void a_config_file_that_does_not_load_answers_400_and_changes_nothing(VertxTestContext ctx) {
    gateway(config("none", "first"))
        .compose(g -> {
          write(config("none", "second") + "router_settings: {model_group_alias: {alias: missing}}\n");
          return reload(MASTER);
        })
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
            assertEquals("invalid_config", error.getString("code"));
            assertTrue(error.getString("message").contains("model_group_alias.alias points at 'missing'"),
                error.getString("message"));
          });
          write("model_list: [\n");
          return reload(MASTER);
        })
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            assertTrue(refused.bodyAsString().contains("YAML syntax error"), refused.bodyAsString());
          });
          return models();
        })
        .compose(listed -> {
          ctx.verify(() -> assertEquals(List.of("first"), listed));
          return chat("first");
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_reload_adding_an_unknown_provider_disables_only_that_deployment(VertxTestContext ctx) {
    gateway(config("none", "first"))
        .compose(g -> {
          write(config("none", "first", "second").replace("model_list:\n",
              "model_list:\n  - {model_name: odd, litellm_params: {model: bogus/odd}}\n"));
          return reload(MASTER);
        })
        .compose(reloaded -> {
          ctx.verify(() -> {
            assertEquals(200, reloaded.statusCode(), reloaded.bodyAsString());
            JsonArray disabled = reloaded.bodyAsJsonObject().getJsonArray("disabled");
            assertEquals(1, disabled.size(), reloaded.bodyAsString());
            assertTrue(disabled.getString(0).contains("unknown provider 'bogus'"), disabled.encode());
          });
          return models();
        })
        .compose(listed -> {
          ctx.verify(() -> assertEquals(List.of("first", "second"), listed));
          return chat("odd");
        })
        .compose(odd -> {
          ctx.verify(() -> {
            assertEquals(400, odd.statusCode(), odd.bodyAsString());
            assertTrue(odd.bodyAsString().contains("provider 'bogus'"), odd.bodyAsString());
          });
          return chat("second");
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void only_the_master_key_may_reload(VertxTestContext ctx) {
    gateway(config(TestDatabase.newDatabaseUrl(), "first"))
        .compose(g -> client.post(gateway.port(), "127.0.0.1", "/key/generate")
            .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(new JsonObject()))
        .compose(generated -> {
          write(config("none", "second"));
          return reload(generated.bodyAsJsonObject().getString("key"));
        })
        .compose(refused -> {
          ctx.verify(() -> assertEquals(403, refused.statusCode(), refused.bodyAsString()));
          return models();
        })
        .onComplete(ctx.succeeding(listed -> ctx.verify(() -> {
          assertEquals(List.of("first"), listed);
          ctx.completeNow();
        })));
  }
}
