package dev.switchboard.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LiteLLM's model management at run time: a deployment added with /model/new serves at once,
 * follows /model/{id}/update, survives a reload and a restart (store_model_in_db), and is gone
 * after /model/delete; its provider key is never part of an answer.
 */
@ExtendWith(VertxExtension.class)
class ModelManagementTest extends ModelManagementFixture {

  @Test
  void a_model_added_at_run_time_serves_at_once_follows_updates_survives_reload_and_restart_and_goes_on_delete(
      VertxTestContext ctx) {
    String database = TestDatabase.newDatabaseUrl();
    gateway(config(database, true))
        .compose(g -> post("/model/new", newModel(first.apiBase())))
        .compose(added -> {
          ctx.verify(() -> {
            assertEquals(200, added.statusCode(), added.bodyAsString());
            JsonObject row = added.bodyAsJsonObject();
            assertEquals("rt-1", row.getString("model_id"));
            assertEquals("runtime-model", row.getString("model_name"));
            assertEquals("openai/gpt-4o-mini", row.getJsonObject("litellm_params").getString("model"));
            assertEquals("kept as given", row.getJsonObject("model_info").getString("team_note"));
            assertEquals("default_user_id", row.getString("created_by"));
            assertTrue(row.containsKey("created_at") && row.containsKey("updated_at"), row.encode());
          });
          return chat("runtime-model");
        })
        .compose(served -> {
          ctx.verify(() -> {
            assertEquals(200, served.statusCode(), served.bodyAsString());
            assertEquals(1, first.received().size(), "the first upstream answered");
            assertEquals("Bearer " + UPSTREAM_KEY, first.last().headers().get("Authorization"));
            assertEquals("gpt-4o-mini", first.last().body().getString("model"));
          });
          return get("/v1/models");
        })
        .compose(listed -> {
          ctx.verify(() -> assertTrue(listed.bodyAsString().contains("\"runtime-model\""), listed.bodyAsString()));
          return get("/v1/model/info?litellm_model_id=rt-1");
        })
        .compose(info -> {
          ctx.verify(() -> {
            JsonObject entry = info.bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
            assertEquals(true, entry.getJsonObject("model_info").getBoolean("db_model"));
            assertEquals("kept as given", entry.getJsonObject("model_info").getString("team_note"),
                "/model/info echoes a custom model_info key as LiteLLM does");
            assertEquals(first.apiBase(), entry.getJsonObject("litellm_params").getString("api_base"));
          });
          return get("/model/info?litellm_model_id=file-1");
        })
        .compose(fileInfo -> {
          ctx.verify(() -> assertEquals(false, fileInfo.bodyAsJsonObject().getJsonArray("data").getJsonObject(0)
              .getJsonObject("model_info").getBoolean("db_model")));
          return call(HttpMethod.PATCH, "/model/rt-1/update", MASTER, new JsonObject()
              .put("litellm_params", new JsonObject().put("api_base", second.apiBase()))
              // LiteLLM merges a patch with its nulls dropped (model_dump(exclude_none=True)): null clears nothing
              .put("model_info", new JsonObject().putNull("team_note")));
        })
        .compose(patched -> {
          ctx.verify(() -> {
            assertEquals(200, patched.statusCode(), patched.bodyAsString());
            assertEquals(second.apiBase(), patched.bodyAsJsonObject().getJsonObject("litellm_params")
                .getString("api_base"));
            assertEquals("kept as given", patched.bodyAsJsonObject().getJsonObject("model_info").getString("team_note"));
          });
          return chat("runtime-model");
        })
        .compose(moved -> {
          ctx.verify(() -> {
            assertEquals(200, moved.statusCode(), moved.bodyAsString());
            assertEquals(1, second.received().size(), "the new upstream answered");
            assertEquals("Bearer " + UPSTREAM_KEY, second.last().headers().get("Authorization"), "key kept");
            assertEquals(1, first.received().size(), "the old upstream no longer");
          });
          return post("/config/reload", new JsonObject());
        })
        .compose(reloaded -> {
          ctx.verify(() -> assertEquals(200, reloaded.statusCode(), reloaded.bodyAsString()));
          return chat("runtime-model");
        })
        .compose(afterReload -> {
          ctx.verify(() -> {
            assertEquals(200, afterReload.statusCode(), "a reload keeps the stored model: " + afterReload.bodyAsString());
            assertEquals(2, second.received().size());
          });
          return gateway.close().compose(closed -> gateway(config(database, true)));
        })
        .compose(restarted -> chat("runtime-model"))
        .compose(afterRestart -> {
          ctx.verify(() -> {
            assertEquals(200, afterRestart.statusCode(), "stored across a restart: " + afterRestart.bodyAsString());
            assertEquals(3, second.received().size());
            assertEquals("Bearer " + UPSTREAM_KEY, second.last().headers().get("Authorization"), "key opened again");
          });
          return post("/model/delete", new JsonObject().put("id", "rt-1"));
        })
        .compose(deleted -> {
          ctx.verify(() -> {
            assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
            assertEquals("Model: rt-1 deleted successfully", deleted.bodyAsJsonObject().getString("message"));
          });
          return chat("runtime-model");
        })
        .compose(gone -> {
          ctx.verify(() -> {
            assertTrue(gone.statusCode() == 400 || gone.statusCode() == 404, gone.bodyAsString());
            assertEquals(3, second.received().size());
          });
          return gateway.close().compose(closed -> gateway(config(database, true)));
        })
        .compose(restarted -> chat("runtime-model"))
        .onComplete(ctx.succeeding(stillGone -> ctx.verify(() -> {
          assertTrue(stillGone.statusCode() == 400 || stillGone.statusCode() == 404, "deleted for good");
          answers.forEach(answer -> assertFalse(answer.contains(UPSTREAM_KEY), "provider key in an answer: " + answer));
          logged.forEach(line -> assertFalse(line.contains(UPSTREAM_KEY), "provider key logged: " + line));
          assertFalse(logged.isEmpty(), "the log was watched");
          ctx.completeNow();
        })));
  }
}
