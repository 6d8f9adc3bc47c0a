package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.KeySecrets;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM's key-management shapes and lookups, against the embedded Postgres. */
@ExtendWith(VertxExtension.class)
class KeyApiShapesTest {

  static final String MASTER = "sk-master-key-shapes";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> post(String path, String bearer, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + bearer).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> get(String path, String bearer) {
    return gw.get(path).putHeader("Authorization", "Bearer " + bearer).send();
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static void refused(HttpResponse<Buffer> response, int status, String param) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    if (param != null) {
      assertEquals(param, response.bodyAsJsonObject().getJsonObject("error").getString("param"), response.bodyAsString());
    }
  }

  @Test
  void generate_answers_litellms_key_object_with_the_value_once(VertxTestContext ctx) {
    post("/key/generate", MASTER, new JsonObject().put("duration", "30d").put("budget_duration", "1d")
        .put("max_budget", 5).put("key_alias", "shape"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          JsonObject key = ok(response);
          String value = key.getString("key");
          assertTrue(value.startsWith("sk-"), value);
          assertEquals(KeySecrets.hash(value), key.getString("token_id"));
          assertEquals(KeySecrets.hash(value), key.getString("token"));
          assertEquals("30d", key.getString("duration"));
          assertEquals("default_user_id", key.getString("created_by"));
          assertTrue(key.getValue("model_rpm_limit") == null && key.containsKey("model_rpm_limit"), "null, not {}");
          assertTrue(key.containsKey("model_tpm_limit") && key.getValue("model_tpm_limit") == null);
          for (String field : List.of("aliases", "config", "permissions", "model_max_budget", "soft_budget", "budget_id",
              "updated_at", "budget_reset_at", "expires", "organization_id", "last_active")) {
            assertTrue(key.containsKey(field), field + " missing from " + key.fieldNames());
          }
          Instant reset = Instant.parse(key.getString("budget_reset_at"));
          assertTrue(reset.isAfter(Instant.now()) && reset.isBefore(Instant.now().plusSeconds(86_401)), reset.toString());
          assertTrue(Instant.parse(key.getString("expires")).isAfter(Instant.now().plusSeconds(29L * 86_400)));
          ctx.completeNow();
        })));
  }

  @Test
  void unsupported_fields_and_unknown_teams_are_refused_naming_the_field(VertxTestContext ctx) {
    post("/key/generate", MASTER, new JsonObject().put("model_max_budget", new JsonObject().put("chat", 1)))
        .compose(response -> {
          ctx.verify(() -> refused(response, 400, "model_max_budget"));
          return post("/key/generate", MASTER, new JsonObject().put("budget_id", "ghost-budget"));
        })
        .compose(response -> {
          ctx.verify(() -> {
            refused(response, 400, "budget_id");
            assertTrue(response.bodyAsString().contains("ghost-budget"), response.bodyAsString());
          });
          return post("/key/generate", MASTER, new JsonObject().put("team_id", "ghost-team"));
        })
        .compose(response -> {
          ctx.verify(() -> {
            refused(response, 400, "team_id");
            assertTrue(response.bodyAsString().contains("ghost-team"), response.bodyAsString());
          });
          return get("/key/list", MASTER);
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(0, ok(response).getInteger("total_count"), "no refused request made a key");
          ctx.completeNow();
        })));
  }

  @Test
  void a_key_is_found_by_its_hash_and_may_read_only_its_own_info(VertxTestContext ctx) {
    String[] keys = new String[2];
    post("/key/generate", MASTER, new JsonObject().put("key_alias", "first"))
        .compose(first -> {
          keys[0] = ok(first).getString("key");
          return post("/key/generate", MASTER, new JsonObject().put("key_alias", "second"));
        })
        .compose(second -> {
          keys[1] = ok(second).getString("key");
          return get("/key/info?key=" + KeySecrets.hash(keys[0]), MASTER);
        })
        .compose(byHash -> {
          ctx.verify(() -> {
            JsonObject body = ok(byHash);
            assertEquals(KeySecrets.hash(keys[0]), body.getString("key"), "echoes what was asked");
            assertEquals("first", body.getJsonObject("info").getString("key_alias"));
          });
          return get("/key/info", keys[0]);
        })
        .compose(self -> {
          ctx.verify(() -> assertEquals("first", ok(self).getJsonObject("info").getString("key_alias")));
          return get("/key/info?key=" + keys[0], keys[0]);
        })
        .compose(selfNamed -> {
          ctx.verify(() -> assertEquals(keys[0], ok(selfNamed).getString("key")));
          return get("/key/info?key=" + keys[1], keys[0]);
        })
        .compose(other -> {
          ctx.verify(() -> {
            refused(other, 403, null);
            assertFalse(other.bodyAsString().contains("second"), "nothing of the other key");
          });
          return post("/key/health", keys[0], new JsonObject());
        })
        .compose(health -> {
          ctx.verify(() -> assertEquals("healthy", ok(health).getString("key")));
          return get("/key/list", keys[0]);
        })
        .compose(list -> {
          ctx.verify(() -> refused(list, 403, null));
          return post("/key/block", MASTER, new JsonObject().put("key", KeySecrets.hash(keys[1])));
        })
        .onComplete(ctx.succeeding(blocked -> ctx.verify(() -> {
          assertTrue(ok(blocked).getBoolean("blocked"), "a hash names the key for block too");
          ctx.completeNow();
        })));
  }

  @Test
  void list_filters_by_team_user_and_alias_and_delete_by_alias_answers_the_alias(VertxTestContext ctx) {
    post("/team/new", MASTER, new JsonObject().put("team_id", "t-list"))
        .compose(team -> post("/key/generate", MASTER, new JsonObject().put("team_id", "t-list").put("key_alias", "in-team")))
        .compose(a -> post("/key/generate", MASTER, new JsonObject().put("user_id", "u-list").put("key_alias", "of-user")))
        .compose(b -> post("/key/generate", MASTER, new JsonObject().put("key_alias", "plain")
            .put("key", "sk-chosen-by-the-admin-0001")))
        .compose(c -> {
          ctx.verify(() -> assertEquals("sk-chosen-by-the-admin-0001", ok(c).getString("key"), "LiteLLM takes a chosen key"));
          return get("/key/list?team_id=t-list&return_full_object=true", MASTER);
        })
        .compose(byTeam -> {
          ctx.verify(() -> {
            JsonArray keys = ok(byTeam).getJsonArray("keys");
            assertEquals(1, keys.size(), keys.encode());
            assertEquals("in-team", keys.getJsonObject(0).getString("key_alias"));
          });
          return get("/key/list?user_id=u-list", MASTER);
        })
        .compose(byUser -> {
          ctx.verify(() -> assertEquals(1, ok(byUser).getInteger("total_count")));
          return get("/key/list?key_alias=plain", MASTER);
        })
        .compose(byAlias -> {
          ctx.verify(() -> assertEquals(new JsonArray().add(KeySecrets.hash("sk-chosen-by-the-admin-0001")),
              ok(byAlias).getJsonArray("keys")));
          return post("/key/delete", MASTER, new JsonObject().put("key_aliases", new JsonArray().add("plain")));
        })
        .compose(deleted -> {
          ctx.verify(() -> assertEquals(new JsonArray().add("plain"), ok(deleted).getJsonArray("deleted_keys")));
          return get("/key/list", MASTER);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(2, ok(all).getInteger("total_count"));
          assertNull(ok(all).getJsonArray("keys").stream().filter(k -> !(k instanceof String)).findAny().orElse(null),
              "hashes unless return_full_object");
          ctx.completeNow();
        })));
  }

  @Test
  void a_regenerated_key_keeps_its_old_value_for_the_grace_period_then_refuses_it(VertxTestContext ctx) {
    String[] values = new String[3];
    post("/key/generate", MASTER, new JsonObject().put("key_alias", "graced"))
        .compose(made -> {
          values[0] = ok(made).getString("key");
          return post("/key/" + values[0] + "/regenerate", MASTER, new JsonObject().put("grace_period", "1h"));
        })
        .compose(renewed -> {
          values[1] = ok(renewed).getString("key");
          return Future.all(chat(values[0]), chat(values[1]));
        })
        .compose(both -> {
          ctx.verify(() -> {
            assertEquals(200, both.<HttpResponse<Buffer>>resultAt(0).statusCode(), "the old value, in its grace period");
            assertEquals(200, both.<HttpResponse<Buffer>>resultAt(1).statusCode(), "the new value");
          });
          return post("/key/regenerate", MASTER, new JsonObject().put("key", values[1]).put("grace_period", "1s"));
        })
        .compose(again -> {
          values[2] = ok(again).getString("key");
          return refusedWithin(values[1], 15_000);
        })
        .compose(refusal -> {
          ctx.verify(() -> assertTrue(refusal.bodyAsString().contains("expired"), refusal.bodyAsString()));
          return Future.all(chat(values[0]), chat(values[2]));
        })
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertEquals(200, after.<HttpResponse<Buffer>>resultAt(0).statusCode(), "the first grace follows the key");
          assertEquals(200, after.<HttpResponse<Buffer>>resultAt(1).statusCode());
          ctx.completeNow();
        })));
  }

  private Future<HttpResponse<Buffer>> chat(String key) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(dev.switchboard.testing.Requests.hi("chat"));
  }

  /** Asks with the key until it is refused with a 401, for at most {@code withinMs}: waits for its grace to end. */
  private Future<HttpResponse<Buffer>> refusedWithin(String key, long withinMs) {
    long deadline = System.currentTimeMillis() + withinMs;
    return chat(key).compose(response -> {
      if (response.statusCode() == 401) {
        return Future.succeededFuture(response);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new AssertionError("the old value was still served " + withinMs
            + " ms after a 1 s grace period: " + response.statusCode()));
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      io.vertx.core.Vertx.currentContext().owner().setTimer(200, id -> later.complete());
      return later.future().compose(v -> refusedWithin(key, deadline - System.currentTimeMillis()));
    });
  }
}
