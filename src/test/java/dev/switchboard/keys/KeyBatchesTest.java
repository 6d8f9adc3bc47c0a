package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LiteLLM's {@code POST /key/bulk_update} and {@code POST /v2/key/info}, against the shapes of its
 * key_management_endpoints.py and types (BulkUpdateKeyResponse: {@code total_requested},
 * {@code successful_updates: [{key, key_info}]}, {@code failed_updates: [{key, key_info,
 * failed_reason}]}; v2 info: {@code {key: [as sent], info: [key objects]}}).
 */
@ExtendWith(VertxExtension.class)
class KeyBatchesTest {

  private static final String MASTER = "sk-master-key-batches";
  /** BulkUpdateKeyResponse's fields. */
  private static final Set<String> BULK_FIELDS = Set.of("total_requested", "successful_updates", "failed_updates");

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
      general_settings: {master_key: %s, database_url: "%s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private Future<String> newKey(JsonObject settings) {
    return post("/key/generate", settings).map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject().getString("key");
    });
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void bulk_update_applies_each_item_on_its_own_in_litellms_shape(VertxTestContext ctx) {
    String[] key = new String[1];
    newKey(new JsonObject().put("key_alias", "bulk-a"))
        .compose(k -> {
          key[0] = k;
          return post("/team/new", new JsonObject().put("team_id", "t1"));
        })
        .compose(team -> post("/key/bulk_update", new JsonObject().put("keys", new JsonArray()
            .add(new JsonObject().put("key", key[0]).put("max_budget", 5.0).put("team_id", "t1").put("tags", new JsonArray().add("prod")))
            .add(new JsonObject().put("key", "sk-ghost-key-bulk").put("max_budget", 5.0))
            .add(new JsonObject().put("key", KeySecrets.hash(key[0])).put("team_id", "no-such-team")))))
        .compose(bulk -> {
          ctx.verify(() -> {
            assertEquals(200, bulk.statusCode(), bulk.bodyAsString());
            JsonObject body = bulk.bodyAsJsonObject();
            assertEquals(BULK_FIELDS, body.fieldNames());
            assertEquals(3, body.getInteger("total_requested"));
            JsonArray done = body.getJsonArray("successful_updates");
            assertEquals(1, done.size());
            JsonObject updated = done.getJsonObject(0);
            assertEquals(Set.of("key", "key_info"), updated.fieldNames());
            assertEquals(key[0], updated.getString("key"), "the key as named");
            JsonObject info = updated.getJsonObject("key_info");
            assertFalse(info.containsKey("token"), "LiteLLM drops the hashed token from key_info");
            assertEquals(5.0, info.getDouble("max_budget"));
            assertEquals("t1", info.getString("team_id"));
            assertEquals(new JsonArray().add("prod"), info.getJsonArray("tags"));
            JsonArray failed = body.getJsonArray("failed_updates");
            assertEquals(2, failed.size());
            JsonObject ghost = failed.getJsonObject(0);
            assertEquals(Set.of("key", "key_info", "failed_reason"), ghost.fieldNames());
            assertEquals("sk-ghost-key-bulk", ghost.getString("key"));
            assertNull(ghost.getValue("key_info"));
            assertEquals("Key not found: sk-ghost-key-bulk", ghost.getString("failed_reason"));
            JsonObject noTeam = failed.getJsonObject(1);
            assertNotNull(noTeam.getJsonObject("key_info"), "an existing key's info comes with its failure");
            assertEquals("t1", noTeam.getJsonObject("key_info").getString("team_id"), "nothing of it was applied");
            assertTrue(noTeam.getString("failed_reason").contains("no-such-team"), noTeam.getString("failed_reason"));
          });
          JsonArray tooMany = new JsonArray();
          for (int i = 0; i < 501; i++) {
            tooMany.add(new JsonObject().put("key", "sk-" + i).put("max_budget", 1.0));
          }
          return Future.all(List.of(
              post("/key/bulk_update", new JsonObject().put("keys", new JsonArray())),
              post("/key/bulk_update", new JsonObject().put("keys", tooMany)),
              post("/key/bulk_update", new JsonObject().put("keys", new JsonArray()
                  .add(new JsonObject().put("key", key[0]).put("budget_id", "b1")))),
              post("/key/bulk_update", new JsonObject().put("keys", new JsonArray()
                  .add(new JsonObject().put("key", key[0]).put("max_budget", -1)))),
              gw.post("/key/bulk_update").putHeader("Authorization", "Bearer " + key[0])
                  .sendJsonObject(new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("key", key[0]))))));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          assertEquals(400, r.get(0).statusCode());
          assertEquals("No keys provided for update", error(r.get(0)).getString("message"));
          assertEquals(400, r.get(1).statusCode());
          assertEquals("Maximum 500 keys can be updated at once. Found 501 keys.", error(r.get(1)).getString("message"));
          assertEquals(400, r.get(2).statusCode(), "a field that would not be enforced is refused, naming it");
          assertEquals("keys[0].budget_id", error(r.get(2)).getString("param"));
          JsonObject negative = r.get(3).bodyAsJsonObject().getJsonArray("failed_updates").getJsonObject(0);
          assertEquals("max_budget cannot be negative. Received: -1.0", negative.getString("failed_reason"));
          assertEquals(403, r.get(4).statusCode(), "admin only, as LiteLLM's");
          ctx.completeNow();
        })));
  }

  @Test
  void v2_key_info_answers_the_keys_that_exist_as_key_objects(VertxTestContext ctx) {
    String[] keys = new String[2];
    newKey(new JsonObject().put("key_alias", "v2-a"))
        .compose(a -> {
          keys[0] = a;
          return newKey(new JsonObject().put("key_alias", "v2-b").put("max_budget", 3.0));
        })
        .compose(b -> {
          keys[1] = b;
          JsonArray asked = new JsonArray().add(keys[0]).add(KeySecrets.hash(b)).add("sk-ghost-v2-info");
          return Future.all(List.of(
              post("/v2/key/info", new JsonObject().put("keys", asked)),
              gw.get("/key/info?key=" + keys[0]).putHeader("Authorization", "Bearer " + MASTER).send(),
              post("/v2/key/info", new JsonObject()),
              gw.post("/v2/key/info").putHeader("Authorization", "Bearer " + keys[0])
                  .sendJsonObject(new JsonObject().put("keys", new JsonArray().add(keys[0])))));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> r = all.list();
          assertEquals(200, r.get(0).statusCode(), r.get(0).bodyAsString());
          JsonObject body = r.get(0).bodyAsJsonObject();
          assertEquals(Set.of("key", "info"), body.fieldNames());
          assertEquals(new JsonArray().add(keys[0]).add(KeySecrets.hash(keys[1])).add("sk-ghost-v2-info"),
              body.getJsonArray("key"), "the keys as sent");
          JsonArray info = body.getJsonArray("info");
          assertEquals(2, info.size(), "unknown keys are left out");
          assertEquals(KeySecrets.hash(keys[0]), info.getJsonObject(0).getString("token"));
          assertEquals(3.0, info.getJsonObject(1).getDouble("max_budget"));
          JsonObject single = r.get(1).bodyAsJsonObject().getJsonObject("info");
          assertEquals(single.fieldNames(), info.getJsonObject(0).fieldNames(), "the same key object as /key/info's");
          assertEquals(400, r.get(2).statusCode());
          assertEquals("Malformed request. No keys passed in.", error(r.get(2)).getString("message"));
          assertEquals(403, r.get(3).statusCode(), "admin only, as LiteLLM's");
          ctx.completeNow();
        })));
  }
}
