package dev.switchboard.keys;

import dev.switchboard.model.KeySecrets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key lifecycle over HTTP against the embedded Postgres. */
@ExtendWith(VertxExtension.class)
class VirtualKeysTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        - {model_name: secret-model, litellm_params: {model: openai/secret, api_base: "%1$s", api_key: sk-up}, model_info: {access_groups: [beta]}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  static final String MASTER = "sk-master-keys-test";

  private Future<HttpResponse<Buffer>> admin(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi(model));
  }

  private Future<String> generate(JsonObject body) {
    return admin("/key/generate", body).map(response -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      return response.bodyAsJsonObject().getString("key");
    });
  }

  /** Checks a response and passes the key along the chain. */
  private static Future<String> expect(VertxTestContext ctx, Future<HttpResponse<Buffer>> call, String key,
      Consumer<HttpResponse<Buffer>> check) {
    return call.map(response -> {
      ctx.verify(() -> check.accept(response));
      return key;
    });
  }

  private static Consumer<HttpResponse<Buffer>> status(int expected, String inBody) {
    return response -> {
      assertEquals(expected, response.statusCode(), response.bodyAsString());
      assertTrue(response.bodyAsString().contains(inBody), response.bodyAsString());
    };
  }

  /** Everything logged while a test runs, at every level, to check no secret is among it. */
  private static final class LogCapture extends java.util.logging.Handler {
    final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void publish(java.util.logging.LogRecord record) {
      text.append(new java.util.logging.SimpleFormatter().format(record)).append('\n');
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }

  @Test
  void the_whole_lifecycle(VertxTestContext ctx) {
    LogCapture logs = new LogCapture();
    logs.setLevel(java.util.logging.Level.ALL);
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Level before = java.util.logging.Logger.getLogger("dev.switchboard").getLevel();
    java.util.logging.Logger.getLogger("dev.switchboard").setLevel(java.util.logging.Level.ALL);
    root.addHandler(logs);
    generate(new JsonObject().put("models", new JsonArray().add("chat")).put("key_alias", "team-a")
            .put("metadata", new JsonObject().put("owner", "ana")))
        .compose(key -> {
          ctx.verify(() -> assertTrue(key.startsWith("sk-") && key.length() >= 35, key));
          return expect(ctx, chat(key, "chat"), key, status(200, "Hello from chat"));
        })
        .compose(key -> expect(ctx, chat(key, "secret-model"), key, status(403, "It may use: chat.")))
        .compose(key -> expect(ctx, gw.get("/v1/models").putHeader("x-api-key", key).send(), key,
            response -> assertEquals(List.of("chat"), response.bodyAsJsonObject().getJsonArray("data").stream()
                .map(model -> ((JsonObject) model).getString("id")).toList())))
        .compose(key -> expect(ctx, gw.get("/key/info").addQueryParam("key", key)
            .putHeader("Authorization", "Bearer " + MASTER).send(), key, response -> {
              JsonObject info = response.bodyAsJsonObject().getJsonObject("info");
              assertEquals("team-a", info.getString("key_alias"));
              assertEquals("ana", info.getJsonObject("metadata").getString("owner"));
              assertEquals(key, response.bodyAsJsonObject().getString("key"), "LiteLLM echoes the key asked about");
              assertFalse(info.encode().contains(key), "the key object never holds the key's value");
              assertEquals(KeySecrets.hash(key), info.getString("token"), "LiteLLM identifies a key by its hash");
            }))
        .compose(key -> expect(ctx, admin("/key/update", new JsonObject().put("key", key)
            .put("models", new JsonArray().add("chat").add("secret-model"))), key, status(200, "secret-model")))
        .compose(key -> expect(ctx, chat(key, "secret-model"), key, status(200, "Hello from secret")))
        .compose(key -> expect(ctx, admin("/key/block", new JsonObject().put("key", key)), key, status(200, "\"blocked\":true")))
        .compose(key -> expect(ctx, chat(key, "chat"), key, status(401, "blocked")))
        .compose(key -> expect(ctx, admin("/key/unblock", new JsonObject().put("key", key)), key, status(200, "\"blocked\":false")))
        .compose(key -> expect(ctx, chat(key, "chat"), key, status(200, "Hello")))
        .compose(key -> expect(ctx, gw.post("/key/generate").putHeader("x-api-key", key)
            .sendJsonObject(new JsonObject()), key, status(403, "master key")))
        .compose(key -> expect(ctx, gw.get("/key/list").putHeader("Authorization", "Bearer " + MASTER)
            .send(), key, response -> {
              assertEquals(1, response.bodyAsJsonObject().getInteger("total_count"));
              assertEquals(new JsonArray().add(KeySecrets.hash(key)), response.bodyAsJsonObject().getJsonArray("keys"));
              assertFalse(response.bodyAsString().contains(key), "a key's value is shown once, at generation");
            }))
        .compose(key -> expect(ctx, admin("/key/delete", new JsonObject().put("keys", new JsonArray().add(key))), key,
            response -> assertEquals(new JsonObject().put("deleted_keys", new JsonArray().add(key)), response.bodyAsJsonObject())))
        .compose(key -> expect(ctx, chat(key, "chat"), key, status(401, "Invalid API key")))
        .onComplete(ctx.succeeding(key -> {
          root.removeHandler(logs);
          java.util.logging.Logger.getLogger("dev.switchboard").setLevel(before);
          ctx.verify(() -> {
            assertTrue(logs.text.length() > 0, "the gateway logged something to check");
            assertFalse(logs.text.toString().contains(key), "a key value in the logs");
            assertFalse(logs.text.toString().contains(KeySecrets.hash(key)), "a key hash in the logs");
            assertFalse(logs.text.toString().contains(MASTER), "the master key in the logs");
          });
          ctx.completeNow();
        }));
  }

  private Future<List<String>> models(String key) {
    return gw.get("/v1/models").putHeader("x-api-key", key).send()
        .map(response -> response.bodyAsJsonObject().getJsonArray("data").stream()
            .map(model -> ((JsonObject) model).getString("id")).toList());
  }

  @Test
  void access_groups_and_all_proxy_models_grant_models_but_are_never_listed(VertxTestContext ctx) {
    Future.all(generate(new JsonObject().put("models", new JsonArray().add("beta"))),
            generate(new JsonObject().put("models", new JsonArray().add("all-proxy-models"))))
        .compose(keys -> {
          String beta = keys.resultAt(0);
          String all = keys.resultAt(1);
          return Future.all(models(beta), models(all), chat(beta, "secret-model"), chat(beta, "chat"));
        })
        .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
          assertEquals(List.of("secret-model"), results.resultAt(0));
          assertEquals(List.of("chat", "secret-model"), results.resultAt(1));
          assertEquals(200, ((HttpResponse<Buffer>) results.resultAt(2)).statusCode());
          assertEquals(403, ((HttpResponse<Buffer>) results.resultAt(3)).statusCode());
          ctx.completeNow();
        })));
  }

  @Test
  void regenerate_gives_a_new_value_and_the_old_one_stops_working(VertxTestContext ctx) {
    String[] keys = new String[2];
    generate(new JsonObject().put("key_alias", "rotating"))
        .compose(old -> {
          keys[0] = old;
          return expect(ctx, chat(old, "chat"), old, status(200, "Hello"));
        })
        .compose(old -> admin("/key/regenerate", new JsonObject().put("key", old)))
        .compose(renewed -> {
          keys[1] = renewed.bodyAsJsonObject().getString("key");
          ctx.verify(() -> {
            assertEquals("rotating", renewed.bodyAsJsonObject().getString("key_alias"));
            assertFalse(keys[1].equals(keys[0]));
          });
          return Future.all(chat(keys[0], "chat"), chat(keys[1], "chat"));
        })
        .onComplete(ctx.succeeding(uses -> ctx.verify(() -> {
          assertEquals(401, ((HttpResponse<Buffer>) uses.resultAt(0)).statusCode());
          assertEquals(200, ((HttpResponse<Buffer>) uses.resultAt(1)).statusCode());
          ctx.completeNow();
        })));
  }

  @Test
  void readiness_reports_the_database(VertxTestContext ctx) {
    gw.get("/health/readiness").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals("connected", response.bodyAsJsonObject().getString("db"));
      ctx.completeNow();
    })));
  }

  @Test
  void an_expired_key_is_refused_with_the_reason(VertxTestContext ctx) {
    generate(new JsonObject().put("duration", "1h"))
        .compose(key -> expect(ctx, chat(key, "chat"), key, status(200, "Hello")))
        .compose(key -> expect(ctx, admin("/key/update", new JsonObject().put("key", key).put("expires", "2020-01-01T00:00:00Z")),
            key, status(200, "2020-01-01")))
        .compose(key -> expect(ctx, chat(key, "chat"), key, status(401, "expired at 2020-01-01")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void bad_key_user_and_team_settings_are_400_naming_the_field(VertxTestContext ctx) {
    // A budget period the budget clock cannot reset (0d, or none at all) is refused, not stored.
    Future.all(List.of(
            admin("/key/generate", new JsonObject().put("rpm_limit", "lots")),
            admin("/key/generate", new JsonObject().put("duration", "forever")),
            admin("/key/generate", new JsonObject().put("models", "chat")),
            admin("/key/update", new JsonObject().put("key", "sk-does-not-exist")),
            admin("/key/generate", new JsonObject().put("max_budget", 1).put("budget_duration", "0d")),
            admin("/user/new", new JsonObject().put("user_id", "u-bad").put("budget_duration", "soon")),
            admin("/team/new", new JsonObject().put("team_id", "t-bad").put("budget_duration", 30))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          String[] params = {"rpm_limit", "duration", "models", "key", "budget_duration", "budget_duration",
              "budget_duration"};
          int[] statuses = {400, 400, 400, 404, 400, 400, 400};
          for (int i = 0; i < params.length; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(statuses[i], response.statusCode(), response.bodyAsString());
            assertEquals(params[i], response.bodyAsJsonObject().getJsonObject("error").getString("param"));
          }
          assertTrue(all.<HttpResponse<Buffer>>resultAt(4).bodyAsString().contains("greater than 0; got '0d'"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_taken_alias_is_400(VertxTestContext ctx) {
    generate(new JsonObject().put("key_alias", "dup"))
        .compose(first -> admin("/key/generate", new JsonObject().put("key_alias", "dup")))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertEquals(400, second.statusCode());
          assertEquals("key_alias", second.bodyAsJsonObject().getJsonObject("error").getString("param"));
          ctx.completeNow();
        })));
  }

  @Test
  void concurrent_generation_gives_distinct_keys_that_all_work(VertxTestContext ctx) {
    List<Future<String>> generated = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      generated.add(generate(new JsonObject()));
    }
    Future.all(generated)
        .compose(all -> {
          List<Future<HttpResponse<Buffer>>> uses = new ArrayList<>();
          Set<String> distinct = new HashSet<>();
          for (Future<String> key : generated) {
            distinct.add(key.result());
            uses.add(chat(key.result(), "chat"));
          }
          ctx.verify(() -> assertEquals(20, distinct.size()));
          return Future.all(uses).map(done -> uses);
        })
        .onComplete(ctx.succeeding(uses -> ctx.verify(() -> {
          for (Future<HttpResponse<Buffer>> use : uses) {
            assertEquals(200, use.result().statusCode());
          }
          ctx.completeNow();
        })));
  }
}
